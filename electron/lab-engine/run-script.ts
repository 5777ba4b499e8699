// Runs a lab's shell script (a `run` action, a `script` check) in the lab terminal's environment: KUBECONFIG of the
// graded cluster, kubectl on PATH (KUBECTL may name a versioned binary), LAB_NAMESPACE, LAB_DIR, and `ssh NODE`.
import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { writeSshShim } from '../terminal/ssh-shim';
import { bundledToolDirs } from './tools';

export interface ScriptOptions {
  /** the lab's folder: the working directory and $LAB_DIR; its parent is $KUBELAB_LABS, as in the app's terminal
   * (`helm install x $KUBELAB_LABS/06-helm/chart`) */
  labDir?: string;
  /** bash's options: `-eo pipefail` for the lab's own scripts; imported scripts run as their authors ran them */
  strict?: boolean;
}

/**
 * Runs a shell script with KUBECONFIG set. When KUBECTL names a binary that isn't called "kubectl"
 * (e.g. a versioned one), a temporary PATH entry makes it available under that name.
 */
export function runScript(
  script: string,
  kubeconfig: string,
  namespace: string,
  timeoutMs = 120_000,
  signal?: AbortSignal,
  o: ScriptOptions = {},
): Promise<{ code: number; output: string; timedOut: boolean }> {
  const shimDir = mkdtempSync(join(tmpdir(), 'kubelab-bin-'));
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig, LAB_NAMESPACE: namespace };
  if (o.labDir) {
    env.LAB_DIR = o.labDir;
    env.KUBELAB_LABS = dirname(o.labDir);
  }
  if (process.env.KUBECTL && existsSync(process.env.KUBECTL)) symlinkSync(process.env.KUBECTL, join(shimDir, 'kubectl'));
  writeSshShim(shimDir);
  // the app's bundled tools (helm) come after the system's: a lab's script finds what the terminal finds
  env.PATH = [shimDir, process.env.PATH ?? '', ...bundledToolDirs()].filter(Boolean).join(delimiter);
  return new Promise((resolvePromise) => {
    // async on purpose: the cluster may run in this very process
    const args = o.strict === false ? ['-c', script] : ['-eo', 'pipefail', '-c', script];
    const p = spawn('bash', args, { env, cwd: o.labDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    p.stdout.on('data', (c) => (output += c));
    p.stderr.on('data', (c) => (output += c));
    const kill = (sig: NodeJS.Signals) => p.kill(sig);
    const timer = setTimeout(() => {
      timedOut = true;
      kill('SIGKILL');
    }, timeoutMs);
    const cancel = () => kill('SIGTERM');
    signal?.addEventListener('abort', cancel, { once: true });
    const finish = (code: number, tail = '') => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
      rmSync(shimDir, { recursive: true, force: true });
      resolvePromise({ code, output: output + tail, timedOut });
    };
    // a script that cannot start at all (no bash, a lab folder gone) is a failed run, not a hang
    p.on('error', (err) => finish(-1, `cannot run the script: ${err.message}\n`));
    p.on('close', (code) => finish(code ?? -1));
  });
}
