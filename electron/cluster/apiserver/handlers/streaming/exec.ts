// pods/exec and pods/attach: validates like the API server, upgrades to a channel.k8s.io WebSocket and
// relays the streams of the kubelet's session, ending with the Status kubectl turns into an exit code.
import { errBadRequest, errMethodNotAllowed } from '../../../api/errors';
import type { SpecialHandler } from '../../handler';
import type { ApiResponse } from '../../request';
import type { NodeConnector } from '../../../kubelet/connector';
import type { StreamSession } from '../../../runtime/interface';
import { ChannelConnection, ERROR, EXEC_PROTOCOLS, STDERR, STDOUT } from './channels';
import { exitCodeStatus, internalStatus, successStatus } from './exec-status';
import { dialError, getPod, kubeletFor, resolveContainer } from './pod-target';
import { admitConnect, refuseDryRun, ATTACH_OPTIONS, EXEC_OPTIONS, parseStreamOptions, type PodStreamOptions } from '../connect-admission';

/** after the process exits, how long its output streams may take to flush before the status is sent anyway */
const OUTPUT_GRACE_MS = 2000;

/** the options as the kubelet takes them (upstream: remotecommand's NewOptions), refused when unusable */
function kubeletOptions(o: PodStreamOptions, withCommand: boolean): PodStreamOptions {
  // a terminal merges stderr into stdout; the kubelet drops the separate stream
  const r = { ...o, stderr: o.stderr && !o.tty };
  if (withCommand && r.command.length === 0) throw errBadRequest('you must specify at least one command for the container');
  if (!r.stdin && !r.stdout && !r.stderr) throw errBadRequest('you must specify at least 1 of stdin, stdout, stderr');
  return r;
}

export function execHandler(connector: NodeConnector, mode: 'exec' | 'attach'): SpecialHandler {
  return async ({ req, info, entry, server }): Promise<ApiResponse> => {
    if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed();
    refuseDryRun(req.query);
    const requested = parseStreamOptions(req.query);
    // an unusable request is refused before admission asks anyone about it
    kubeletOptions(requested, mode === 'exec');
    const admitted = await admitConnect(server, req, info, mode === 'exec' ? EXEC_OPTIONS : ATTACH_OPTIONS, requested);
    // what runs is what admission left: a mutating webhook may have patched the options
    const opts = kubeletOptions(admitted, mode === 'exec');
    const pod = getPod(server, entry, info);
    const container = resolveContainer(pod, opts.container);
    const nodeName = pod.spec.nodeName;
    if (!nodeName) throw errBadRequest(`pod ${info.name} does not have a host assigned`);
    const ns = pod.metadata.namespace!;
    const name = info.name!;
    return {
      kind: 'upgrade',
      protocols: EXEC_PROTOCOLS,
      connect(ws, protocol) {
        const ch = new ChannelConnection(ws, protocol);
        // an empty frame on the first output channel tells the client the streams are ready
        ch.send(opts.stdout ? STDOUT : opts.stderr ? STDERR : ERROR, Buffer.alloc(0));
        void relay(
          ch,
          async () => {
            const kubelet = kubeletFor(connector, nodeName);
            if (!kubelet) throw new Error(`error dialing backend: ${dialError(server, nodeName)}`);
            const s = { tty: opts.tty, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr };
            return mode === 'exec' ? kubelet.exec(ns, name, container, { ...s, command: opts.command }) : kubelet.attach(ns, name, container, s);
          },
          mode,
        );
      },
    };
  };
}

async function relay(ch: ChannelConnection, open: () => Promise<StreamSession>, mode: 'exec' | 'attach'): Promise<void> {
  let session: StreamSession;
  try {
    session = await open();
  } catch (err) {
    ch.finish(internalStatus(err));
    return;
  }
  ch.attach({
    stdin: (d) => {
      session.stdin?.write(d);
    },
    stdinEnd: () => {
      session.stdin?.end();
    },
    resize: (size) => session.resize(size),
    closed: () => session.close(),
  });
  const outputs = [pump(ch, session.stdout, STDOUT), pump(ch, session.stderr, STDERR)];
  let code: number;
  try {
    code = await session.exit;
  } catch (err) {
    ch.finish(internalStatus(err));
    return;
  }
  await Promise.race([Promise.all(outputs), new Promise((r) => setTimeout(r, OUTPUT_GRACE_MS).unref())]);
  // attach has no exit code to report: the stream simply ends when the container does
  ch.finish(mode === 'attach' || code === 0 ? successStatus() : exitCodeStatus(code));
}

/** forwards a session stream to a channel, pausing it while the WebSocket is congested */
function pump(ch: ChannelConnection, src: NodeJS.ReadableStream | undefined, channel: number): Promise<void> {
  if (!src) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => resolve();
    src.on('data', (c: Buffer | string) => {
      ch.send(channel, typeof c === 'string' ? Buffer.from(c) : c);
      if (ch.congested) {
        src.pause();
        void ch.drain().then(() => src.resume());
      }
    });
    src.on('end', done);
    src.on('close', done);
    src.on('error', done);
  });
}

function methodNotAllowed() {
  return errMethodNotAllowed('the server does not allow this method on the requested resource');
}
