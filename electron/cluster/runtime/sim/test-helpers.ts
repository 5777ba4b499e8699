import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import type { ContainerConfig, ContainerRuntime, PodSandboxConfig } from '../interface';
import { createSimRuntime } from './index';
import { createLocalSimNetwork, type SimNetwork } from './network';

let ipSeq = 10;

export function makeWorld(resolve?: (name: string) => string[] | undefined) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-sim-'));
  const network: SimNetwork = createLocalSimNetwork({ resolve: (n) => resolve?.(n) });
  const rt: ContainerRuntime = createSimRuntime({ nodeName: 'node-1', nodeDir: dir, network, pullDelayMs: () => 1 });
  const cleanup = async () => {
    await rt.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { dir, rt, network, cleanup };
}

export function sandboxConfig(name: string, dir: string, over: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  return {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    attempt: 0,
    hostname: name,
    labels: {},
    annotations: {},
    podIPs: [`10.244.1.${ipSeq++}`],
    hostNetwork: false,
    dns: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] },
    memoryLimitBytes: 0,
    cpuLimitMillis: 0,
    podDir: path.join(dir, name),
    nodeName: 'node-1',
    ...over,
  };
}

export function containerConfig(name: string, image: string, dir: string, over: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    name,
    image,
    env: [],
    mounts: [],
    tty: false,
    stdin: false,
    stdinOnce: false,
    security: {},
    memoryLimitBytes: 0,
    memoryRequestBytes: 0,
    cpuLimitMillis: 0,
    cpuRequestMillis: 0,
    logPath: path.join(dir, 'logs', `${name}-${Math.random().toString(36).slice(2)}.log`),
    attempt: 0,
    kind: 'regular',
    ...over,
  };
}

/** pulls, creates a sandbox (unless given) and starts one container */
export async function runContainer(
  rt: ContainerRuntime,
  dir: string,
  pod: string,
  image: string,
  over: Partial<ContainerConfig> = {},
  sandboxId?: string,
  handler = 'runc',
) {
  await rt.pullImage(image);
  const sb = sandboxId ?? (await rt.runPodSandbox(sandboxConfig(pod, dir), handler));
  const cfg = containerConfig(over.name ?? pod, image, dir, over);
  const id = await rt.createContainer(sb, cfg);
  await rt.startContainer(id);
  return { sb, id, cfg };
}

export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  while (true) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function readLog(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** a world factory for one test file: every world made in a test is cleaned up after it */
export function worldsPerTest(resolve?: (name: string) => string[] | undefined): () => ReturnType<typeof makeWorld> {
  const worlds: ReturnType<typeof makeWorld>[] = [];
  afterEach(async () => {
    for (const w of worlds.splice(0)) await w.cleanup();
  });
  return () => {
    const w = makeWorld(resolve);
    worlds.push(w);
    return w;
  };
}

/** everything a stream has written so far */
export function collect(s?: NodeJS.ReadableStream): () => string {
  let text = '';
  s?.on('data', (d) => {
    text += d.toString();
  });
  return () => text;
}
