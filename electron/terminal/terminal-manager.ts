// The terminal tabs: node-pty sessions that outlive the renderer (a reload re-attaches and repaints from the
// replay buffer). Output goes to whichever receiver attached last, batched and flow-controlled.
import * as pty from 'node-pty';
import { FlowController, ReplayBuffer, DEFAULT_FLOW, type FlowOptions } from './flow-control';
import { planShell, type ShellOptions } from './shell-setup';
import { NO_KUBECTL_MESSAGE } from './kubectl-locate';
import { foregroundBusy } from './foreground';

export interface TerminalReceiver {
  data(id: string, data: string): void;
  exit(id: string, code: number): void;
}

export interface TerminalInfo {
  id: string;
  title: string;
  cols: number;
  rows: number;
  exited: boolean;
  /** a command runs in the foreground (see foreground.ts) */
  busy?: boolean;
}

interface Session {
  info: TerminalInfo;
  proc: pty.IPty;
  shell: string;
  flow: FlowController;
  replay: ReplayBuffer;
  receiver: TerminalReceiver | undefined;
}

export interface TerminalManagerOptions extends Omit<ShellOptions, 'kubeconfigPath'> {
  /** read at every open: the cluster (and so its kubeconfig) may be restarted */
  kubeconfigPath: () => string | undefined;
  kubectlFound: boolean;
  flow?: FlowOptions;
}

const clampDim = (n: number, max: number) => Math.max(2, Math.min(max, Math.floor(Number(n) || 0)));

export class TerminalManager {
  private sessions = new Map<string, Session>();
  private seq = 0;

  constructor(private opts: TerminalManagerOptions) {}

  open(cols: number, rows: number, receiver: TerminalReceiver): TerminalInfo {
    const kubeconfig = this.opts.kubeconfigPath();
    if (!kubeconfig) throw new Error('the cluster is not running yet');
    const plan = planShell({ ...this.opts, kubeconfigPath: kubeconfig });
    const c = clampDim(cols, 500),
      r = clampDim(rows, 300);
    const proc = pty.spawn(plan.file, plan.args, { name: 'xterm-256color', cols: c, rows: r, cwd: plan.cwd, env: plan.env, encoding: 'utf8' });
    const id = `t${++this.seq}`;
    const info: TerminalInfo = { id, title: `Terminal ${this.seq}`, cols: c, rows: r, exited: false };
    const s: Session = {
      info,
      proc,
      shell: plan.file,
      replay: new ReplayBuffer(),
      receiver,
      flow: new FlowController(
        {
          send: (d) => s.receiver?.data(id, d),
          pause: () => proc.pause(),
          resume: () => proc.resume(),
        },
        this.opts.flow ?? DEFAULT_FLOW,
      ),
    };
    this.sessions.set(id, s);
    if (!this.opts.kubectlFound) this.emit(s, NO_KUBECTL_MESSAGE);
    // node-pty decodes with a streaming UTF-8 decoder, so a multi-byte character split across reads arrives whole
    proc.onData((d) => this.emit(s, d));
    proc.onExit(({ exitCode }) => {
      s.flow.flush();
      info.exited = true;
      s.receiver?.exit(id, exitCode);
      s.flow.dispose();
      this.sessions.delete(id);
    });
    return { ...info };
  }

  private emit(s: Session, d: string): void {
    s.replay.append(d);
    s.flow.push(d);
  }

  list(): TerminalInfo[] {
    return [...this.sessions.values()].map((s) => this.describe(s));
  }

  private describe(s: Session): TerminalInfo {
    return { ...s.info, busy: foregroundBusy(s.proc, s.shell) };
  }

  /**
   * Types a command at a shell prompt: the preferred tab when its shell is idle, else another idle tab, else a new
   * tab — never into a running command, which would receive the text as its input.
   */
  run(command: string, receiver: TerminalReceiver, prefer?: string, cols = 100, rows = 30): { info: TerminalInfo; opened: boolean } {
    const idle = (s: Session | undefined): s is Session => !!s && !s.info.exited && !foregroundBusy(s.proc, s.shell);
    const preferred = prefer ? this.sessions.get(prefer) : undefined;
    let s = idle(preferred) ? preferred : [...this.sessions.values()].find(idle);
    let opened = false;
    if (!s) {
      s = this.get(this.open(cols, rows, receiver).id);
      opened = true;
    }
    // the pty keeps what is typed until the new shell reads it, so a fresh tab runs it once its prompt is up
    s.proc.write(command);
    return { info: this.describe(s), opened };
  }

  attach(id: string, receiver: TerminalReceiver): { info: TerminalInfo; replay: string } {
    const s = this.get(id);
    s.flow.flush();
    s.receiver = receiver;
    s.flow.resetAcks();
    return { info: { ...s.info }, replay: s.replay.text() };
  }

  /** a receiver went away (renderer closed or reloaded): keep the shells, stop sending */
  detachReceiver(receiver: TerminalReceiver): void {
    for (const s of this.sessions.values())
      if (s.receiver === receiver) {
        s.receiver = undefined;
        s.flow.resetAcks();
      }
  }

  write(id: string, data: string): void {
    this.get(id).proc.write(data);
  }
  ack(id: string, chars: number): void {
    this.sessions.get(id)?.flow.ack(chars);
  }

  resize(id: string, cols: number, rows: number): void {
    const s = this.get(id);
    s.info.cols = clampDim(cols, 500);
    s.info.rows = clampDim(rows, 300);
    s.proc.resize(s.info.cols, s.info.rows);
  }

  close(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    s.proc.kill();
  }

  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
  }

  private get(id: string): Session {
    const s = this.sessions.get(id);
    if (!s) throw new Error(`no terminal ${id}`);
    return s;
  }
}
