// Test-only KubeletConnection: exec runs a few in-memory programs, logs serve CRI files written by the test.
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { errInternal } from '../../../../api/errors';
import type { KubeletConnection, LogOptions } from '../../../../kubelet/connector';
import type { KubeletHttpAnswer } from '../../../../kubelet/http-endpoints';
import type { ExecOptions, StreamSession } from '../../../../runtime/interface';
import { readContainerLogs } from '../../../../kubelet/logs';

export interface FakeCall {
  kind: 'exec' | 'attach' | 'logs';
  namespace: string;
  pod: string;
  container: string;
  opts: unknown;
}

export class FakeKubelet implements KubeletConnection {
  readonly calls: FakeCall[] = [];
  /** `ns/pod/container` → CRI log file (`<file>.previous` for --previous) */
  readonly logFiles = new Map<string, string>();
  /** containers whose exec fails the way an exec into a not-yet-running container does */
  readonly notRunning = new Set<string>();

  async exec(namespace: string, pod: string, container: string, opts: ExecOptions): Promise<StreamSession> {
    this.calls.push({ kind: 'exec', namespace, pod, container, opts });
    if (this.notRunning.has(container)) throw new Error(`unable to upgrade connection: container not found ("${container}")`);
    const [cmd, ...args] = opts.command;
    const known = ['echo', 'err', 'exit', 'cat', 'tty-size', 'mixed'];
    if (!known.includes(cmd)) {
      throw errInternal(
        `error executing command in container: failed to exec in container: failed to start exec "0123456789abcdef": OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown`,
      );
    }
    return program(cmd, args, opts);
  }

  async attach(namespace: string, pod: string, container: string, opts: Omit<ExecOptions, 'command'>): Promise<StreamSession> {
    this.calls.push({ kind: 'attach', namespace, pod, container, opts });
    return program('cat', [], { ...opts, command: ['cat'] });
  }

  async logs(namespace: string, pod: string, container: string, opts: LogOptions): Promise<Readable> {
    this.calls.push({ kind: 'logs', namespace, pod, container, opts });
    const file = this.logFiles.get(`${namespace}/${pod}/${container}`);
    if (!file) throw new Error(`container "${container}" in pod "${pod}" is not available`);
    const ac = new AbortController();
    const r = readContainerLogs(opts.previous ? `${file}.previous` : file, { ...opts, signal: ac.signal });
    r.on('close', () => ac.abort());
    return r;
  }

  async portForward(): Promise<Duplex> {
    throw new Error('not supported by the fake kubelet');
  }

  async nodeShell(): Promise<never> {
    throw new Error('not supported by the fake kubelet');
  }

  async http(path: string): Promise<KubeletHttpAnswer> {
    return { status: 200, contentType: 'text/plain', body: `fake kubelet: ${path}` };
  }
}

function program(cmd: string, args: string[], opts: ExecOptions): StreamSession {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let finish!: (code: number) => void;
  const exit = new Promise<number>((r) => {
    finish = r;
  });
  const end = (code: number) => {
    stdout.end();
    stderr.end();
    finish(code);
  };
  let size = opts.size;
  switch (cmd) {
    case 'echo':
      stdout.write(args.join(' ') + '\n');
      end(0);
      break;
    case 'err':
      stderr.write(args.join(' ') + '\n');
      end(0);
      break;
    case 'mixed':
      stdout.write('to stdout\n');
      stderr.write('to stderr\n');
      end(Number(args[0] ?? 0));
      break;
    case 'exit':
      end(Number(args[0]));
      break;
    case 'cat':
      stdin.on('data', (d: Buffer) => stdout.write(d));
      stdin.on('end', () => end(0));
      break;
    case 'tty-size':
      // prints the terminal size whenever it changes; ends with stdin
      stdin.on('data', () => stdout.write(`${size?.cols}x${size?.rows}\n`));
      stdin.on('end', () => end(0));
      break;
  }
  return {
    stdin,
    stdout: opts.stdout ? stdout : undefined,
    stderr: opts.stderr ? stderr : undefined,
    resize(s) {
      size = s;
    },
    exit,
    close() {
      end(137);
    },
  };
}
