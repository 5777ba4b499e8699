// Starts `dist/web.cjs` (web mode) on free ports with a fresh data dir and reads the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WebMode {
  url: string;
  origin: string;
  dataDir: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startWebMode(root: string): Promise<WebMode> {
  const entry = join(root, 'dist', 'web.cjs');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  if (!existsSync(join(root, 'renderer', 'dist', 'index.html'))) throw new Error('renderer/dist is missing: run npm run build:renderer');
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-e2e-'));
  const proc = spawn(process.execPath, [entry, '--port', '0', '--cluster-port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, SHELL: '/bin/bash' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => {
    out += d;
  });
  proc.stderr!.on('data', (d) => {
    out += d;
  });
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`web mode printed no URL:\n${out}`)), 60_000);
    const look = () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    proc.stdout!.on('data', look);
    proc.once('exit', (c) => {
      clearTimeout(timer);
      rej(new Error(`web mode exited (${c}):\n${out}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
