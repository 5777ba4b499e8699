// Exec and attach through the Docker API: a hijacked connection carries stdin one way and stdout/stderr the
// other (multiplexed without a TTY, raw with one); resize goes to the exec or container; the exit code comes
// from inspecting the exec once its stream has ended.
import { PassThrough, Writable, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecOptions, ExecResult, StreamSession } from '../interface';
import { makeSession } from '../sim/streams';
import { bestEffort, componentLog } from '../../best-effort';

const log = componentLog('docker runtime');

/** splits Docker's multiplexed stream (8-byte frame headers) into stdout and stderr */
export function demux(modem: Docker['modem'], src: NodeJS.ReadableStream, out: Writable, err: Writable): void {
  modem.demuxStream(src, out, err);
}

/** a Writable that hands each chunk to a function (log writers, collectors) */
export function sink(fn: (chunk: Buffer) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      fn(chunk);
      cb();
    },
  });
}

async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  // the stream can end a moment before the daemon records the exit code
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
    await new Promise((r) => setTimeout(r, 20));
  }
  return (await exec.inspect()).ExitCode ?? 126;
}

function wire(modem: Docker['modem'], socket: Duplex | Promise<Duplex>, tty: boolean, wantStdin: boolean) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = wantStdin ? new PassThrough() : undefined;
  const ended = Promise.resolve(socket).then((sock) => {
    if (tty) sock.pipe(stdout);
    else demux(modem, sock, stdout, stderr);
    if (stdin) {
      // input typed before the process started waits in the PassThrough and is written now
      stdin.on('data', (d: Buffer) => {
        if (!sock.destroyed) sock.write(d);
      });
      // half-close: the process sees end of input but its output keeps flowing back
      stdin.on('end', () => {
        if (!sock.destroyed) sock.end();
      });
    }
    return new Promise<void>((res) => {
      sock.once('end', res);
      sock.once('close', res);
      sock.once('error', () => res());
    });
  });
  return { stdout, stderr, stdin, ended };
}

/** how long a TTY exec waits for the client's first size before it starts anyway */
const FIRST_SIZE_WAIT_MS = 150;

export async function execSession(docker: Docker, containerId: string, opts: ExecOptions): Promise<StreamSession> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: opts.command,
    AttachStdin: opts.stdin,
    AttachStdout: opts.stdout || opts.tty,
    AttachStderr: opts.stderr && !opts.tty,
    Tty: opts.tty,
  });
  // kubectl sends the terminal's size just after the stream opens: a TTY process started before it would see 0x0,
  // so the exec starts on the first size (Docker ≥ 23 takes it as ConsoleSize; older ones get a resize at once)
  let size = opts.size;
  let sizeKnown!: () => void;
  const firstSize = new Promise<void>((res) => {
    sizeKnown = res;
  });
  if (!opts.tty || size) sizeKnown();
  const timer = setTimeout(() => sizeKnown(), FIRST_SIZE_WAIT_MS);
  const started = firstSize.then(async () => {
    clearTimeout(timer);
    const body = { hijack: true, stdin: opts.stdin, Tty: opts.tty, ...(opts.tty && size ? { ConsoleSize: [size.rows, size.cols] } : {}) };
    const sock = (await exec.start(body)) as unknown as Duplex;
    if (opts.tty && size) await bestEffort(exec.resize({ h: size.rows, w: size.cols }), 'resizing an exec terminal', log);
    return sock;
  });
  const w = wire(docker.modem, started, opts.tty, opts.stdin);
  const exit = w.ended.then(() => exitCodeOf(exec));
  return makeSession({
    stdin: w.stdin,
    stdout: opts.stdout || opts.tty ? w.stdout : undefined,
    stderr: opts.stderr && !opts.tty ? w.stderr : undefined,
    exit,
    onResize: (s) => {
      size = s;
      sizeKnown();
      void bestEffort(
        started.then(() => exec.resize({ h: s.rows, w: s.cols })),
        'resizing an exec terminal',
        log,
      );
    },
    onClose: () => {
      sizeKnown();
      void started.then(
        (sock) => sock.destroy(),
        () => undefined,
      );
    },
  });
}

export async function attachSession(
  docker: Docker,
  containerId: string,
  tty: boolean,
  opts: Omit<ExecOptions, 'command'>,
  exited: Promise<number>,
): Promise<StreamSession> {
  const c = docker.getContainer(containerId);
  const sock = (await c.attach({ stream: true, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, hijack: true })) as unknown as Duplex;
  const w = wire(docker.modem, sock, tty, opts.stdin);
  let detach!: () => void;
  const detached = new Promise<number>((res) => {
    detach = () => res(0);
  });
  return makeSession({
    stdin: w.stdin,
    stdout: opts.stdout ? w.stdout : undefined,
    stderr: opts.stderr && !tty ? w.stderr : undefined,
    exit: Promise.race([exited, detached, w.ended.then(() => 0)]),
    onResize: (s) => {
      void bestEffort(c.resize({ h: s.rows, w: s.cols }), 'resizing an attached terminal', log);
    },
    onClose: () => {
      sock.destroy();
      detach();
    },
  });
}

export async function execToCompletion(docker: Docker, containerId: string, command: string[], timeoutSeconds: number): Promise<ExecResult> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const sock = (await exec.start({ hijack: true, stdin: false })) as unknown as Duplex;
  let stdout = '',
    stderr = '';
  demux(
    docker.modem,
    sock,
    sink((b) => {
      stdout += b.toString('utf8');
    }),
    sink((b) => {
      stderr += b.toString('utf8');
    }),
  );
  const ended = new Promise<void>((res) => {
    sock.once('end', res);
    sock.once('close', res);
    sock.once('error', () => res());
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut =
    timeoutSeconds > 0
      ? new Promise<'timeout'>((res) => {
          timer = setTimeout(() => res('timeout'), timeoutSeconds * 1000);
        })
      : new Promise<never>(() => {});
  const r = await Promise.race([ended, timedOut]);
  clearTimeout(timer);
  if (r === 'timeout') {
    sock.destroy();
    return { exitCode: -1, stdout, stderr, timedOut: true };
  }
  return { exitCode: await exitCodeOf(exec), stdout, stderr, timedOut: false };
}
