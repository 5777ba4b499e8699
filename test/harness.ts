// Starts a real cluster in-process for integration tests: HTTPS API server on a free port, nodes, controllers.
// Tests talk to it through kubectl (when installed), HTTPS, or the in-process client.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startCluster, type Cluster } from '../electron/cluster/cluster';
import type { Client } from '../electron/cluster/client/types';

export interface TestCluster {
  cluster: Cluster;
  dataDir: string;
  kubeconfig: string;
  /** admin client through the full handler chain */
  client: Client;
  /**
   * run kubectl against the cluster; throws if kubectl is missing — guard with kubectlPath().
   * Asynchronous on purpose: the cluster runs in this process, so a synchronous spawn would deadlock it.
   */
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** async variant for long-running commands (watch, logs -f) */
  kubectlSpawn(args: string[]): ReturnType<typeof spawn>;
  stop(): Promise<void>;
}

/** KUBECTL env var, else /usr/bin/kubectl, else undefined (tests then skip with a printed reason) */
export function kubectlPath(): string | undefined {
  const candidates = [process.env.KUBECTL, '/usr/bin/kubectl', '/usr/local/bin/kubectl'].filter(Boolean) as string[];
  return candidates.find((p) => existsSync(p));
}

export async function startTestCluster(
  opts: {
    nodes?: number;
    configFile?: string;
    runtime?: 'sim' | 'docker';
    log?: (line: string) => void;
    /** start on this data dir (a restart); it is kept at stop() */
    dataDir?: string;
  } = {},
): Promise<TestCluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kubelab-test-'));
  const cluster = await startCluster({ dataDir, port: 0, nodes: opts.nodes ?? 3, configFile: opts.configFile, runtime: opts.runtime, log: opts.log });
  const client = cluster.client({ name: 'kubernetes-admin', groups: ['system:masters'] }, 'kubelab-test');
  const kc = cluster.kubeconfigPath;
  return {
    cluster,
    dataDir,
    kubeconfig: kc,
    client,
    kubectl(args, o = {}) {
      const bin = kubectlPath();
      if (!bin) throw new Error('kubectl not found');
      return new Promise((resolve) => {
        const p = spawn(bin, ['--kubeconfig', kc, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '',
          stderr = '';
        p.stdout.on('data', (c) => (stdout += c));
        p.stderr.on('data', (c) => (stderr += c));
        const timer = setTimeout(() => p.kill('SIGKILL'), o.timeoutMs ?? 30_000);
        p.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout, stderr });
        });
        p.stdin.end(o.input ?? '');
      });
    },
    kubectlSpawn(args) {
      const bin = kubectlPath();
      if (!bin) throw new Error('kubectl not found');
      return spawn(bin, ['--kubeconfig', kc, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    },
    async stop() {
      await cluster.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** polls `fn` until it returns a truthy value or the timeout passes; the last error/value is reported */
export async function waitFor<T>(fn: () => Promise<T> | T, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const end = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}
