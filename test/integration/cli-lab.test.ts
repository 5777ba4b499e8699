// `kubelab lab` as a student runs it: remembered lab, quick checks, next hint, terminal Markdown, the language of
// LANG, and topology labs sent to their own cluster profile (`kubelab start --profile LAB`).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, kubectlPath, type TestCluster } from '../harness';

const ROOT = join(__dirname, '..', '..');
const LABS = join(ROOT, 'labs');

function kubelab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'kubelab.js'), ...args], {
      env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', KUBECTL: kubectlPath(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 }));
  });
}

describe.skipIf(!kubectlPath() || !existsSync(join(ROOT, 'dist', 'cli.cjs')))('kubelab lab (CLI)', () => {
  let tc: TestCluster;
  const dd = () => ['--data-dir', tc.dataDir, '--labs-dir', LABS];
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 3 });
  });
  afterAll(async () => {
    await tc?.stop();
  });

  it('shows a lab as terminal text: no fences or step anchors, Chinese soft breaks without spaces', async () => {
    const r = await kubelab(['lab', 'show', '19-scheduler-flow', '--lang', 'zh', ...dd()]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/```|\{#/);
    expect(r.stdout).toMatch(/第 1 步/);
    expect(r.stdout).not.toMatch(/[\u4e00-\u9fff] [\u4e00-\u9fff]/);
  });

  it('refuses a topology lab on the default cluster and names the profile that fits', async () => {
    const r = await kubelab(['lab', 'start', '19-scheduler-flow', ...dd()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not fit lab 19-scheduler-flow/);
    expect(r.stderr).toMatch(/kubelab start --profile 19-scheduler-flow/);
  });

  it('remembers the started lab, checks it in seconds, gives the next hint of the first open step, follows LANG', async () => {
    expect((await kubelab(['lab', 'start', '01-cluster-tour', ...dd()])).code).toBe(0);
    // the machine's own cost of starting the CLI and reading the labs (a loaded CI box takes seconds) is not the check's
    const baseline = (await kubelab(['lab', 'list', ...dd()])).ms;
    const c = await kubelab(['lab', 'check', ...dd()]);
    expect(c.code).toBe(1);
    expect(c.ms - baseline).toBeLessThan(5000);
    expect(c.stdout).toMatch(/0\/\d+ steps pass/);
    const h1 = await kubelab(['lab', 'hint', ...dd()]);
    expect(h1.stdout).toMatch(/\(nodes\)\nHint 1\/2: /);
    const h2 = await kubelab(['lab', 'hint', ...dd()]);
    expect(h2.stdout).toMatch(/Hint 2\/2: /);
    const zh = await kubelab(['lab', 'check', ...dd()], { LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout).toMatch(/个步骤通过/);
  });
});

describe.skipIf(!kubectlPath() || !existsSync(join(ROOT, 'dist', 'cli.cjs')))('kubelab start --profile', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-cli-profile-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("starts a lab's own cluster from its topology, and lab commands use it by themselves", async () => {
    const proc = spawn(process.execPath, [join(ROOT, 'bin', 'kubelab.js'), 'start', '--data-dir', dataDir, '--port', '0', '--profile', '19-scheduler-flow'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((res, rej) => {
      proc.stdout.on('data', (d) => {
        out += d;
        if (/ready/.test(out)) res();
      });
      proc.on('exit', (code) => rej(new Error(`kubelab start exited with ${code}: ${out}`)));
    });
    try {
      expect(out).toContain(join(dataDir, 'profiles', '19-scheduler-flow', 'kubeconfig'));
      expect(existsSync(join(dataDir, 'profiles', '19-scheduler-flow', 'kubeconfig'))).toBe(true);
      const r = await kubelab(['lab', 'start', '19-scheduler-flow', '--data-dir', dataDir, '--labs-dir', LABS]);
      expect(r.stderr + r.stdout).toMatch(/Lab 19-scheduler-flow is ready/);
      expect(r.code).toBe(0);
    } finally {
      const exited = new Promise((res) => proc.once('exit', res));
      proc.kill('SIGTERM');
      await exited;
    }
  });
});
