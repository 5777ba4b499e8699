// Issue #16 (Killercoda scenarios offline), through the real CLI: a sample scenario in Killercoda's format (written
// for these tests) is imported, its cluster started with the scenario's node names, and its verify.sh scripts grade
// both ways — fresh: failing with the script's own words; after the reference solution (the steps' {{exec}}
// commands, one of which is `ssh node01 crictl ps`): passing; after reset: failing again.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlPath } from '../harness';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'killercoda');

function kubelab(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'kubelab.js'), ...args], {
      env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', KUBECTL: kubectlPath() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(!kubectlPath() || !existsSync(join(ROOT, 'dist', 'cli.cjs')))('kubelab lab import of a Killercoda scenario', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-killercoda-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lints the sample folder: the unsupported parts with file:line, the clean scenario without errors', async () => {
    const r = await kubelab(['lab', 'lint', FIXTURES]);
    expect(r.code).toBe(1);
    const gaps = join(FIXTURES, 'offline-gaps');
    expect(r.stdout).toContain(`error: ${join(gaps, 'step1', 'text.md')}:4: \`apt-get install -y jq\` installs packages`);
    expect(r.stdout).toContain(`error: ${join(gaps, 'step1', 'background.sh')}:2: \`wget -q https://example.com/setup.tar.gz`);
    expect(r.stdout).toContain(`error: ${join(gaps, 'step1', 'text.md')}:8: \`docker run -d nginx\` runs a container engine`);
    expect(r.stdout).toContain(`error: ${join(gaps, 'intro.md')}:1: {{TRAFFIC_HOST1_80}}`);
    // a node's command inside `ssh NODE` is fine; outside it is reported
    expect(r.stdout).toContain(`${join(gaps, 'step1', 'background.sh')}:3: \`crictl images\``);
    expect(r.stdout).not.toContain(`${join(gaps, 'step1', 'background.sh')}:4:`);
    expect(r.stdout).not.toMatch(/error: .*web-basics/);
    expect(r.stdout).toMatch(/test\/fixtures\/killercoda: 2 lab\(s\), 5 error\(s\)/);
  });

  it('imports, starts on controlplane + node01, and grades with verify.sh both ways', async () => {
    const imp = await kubelab(['lab', 'import', join(FIXTURES, 'web-basics'), '--data-dir', dataDir]);
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    expect(imp.stdout).toMatch(/Imported Killercoda scenario web-basics as lab kc-web-basics/);
    const labDir = join(dataDir, 'labs', 'packs', 'web-basics', 'kc-web-basics');
    expect(readFileSync(join(labDir, 'en.md'), 'utf8')).toContain('```bash run\nkubectl create deployment web --image=nginx\n```');
    expect((await kubelab(['lab', 'lint', labDir])).stdout).toMatch(/1 lab\(s\), 0 error\(s\)/);

    const proc = spawn(process.execPath, [join(ROOT, 'bin', 'kubelab.js'), 'start', '--data-dir', dataDir, '--port', '0', '--profile', 'kc-web-basics'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    proc.stdout.on('data', (d) => (log += d));
    proc.stderr.on('data', (d) => (log += d));
    try {
      const kubeconfig = join(dataDir, 'profiles', 'kc-web-basics', 'kubeconfig');
      const nodes = () => {
        try {
          return execFileSync(kubectlPath()!, ['get', 'nodes', '--no-headers', '--kubeconfig', kubeconfig], { encoding: 'utf8', stdio: 'pipe' });
        } catch {
          return '';
        }
      };
      await until(`two Ready nodes (${log})`, () => /^controlplane\s+Ready/m.test(nodes()) && /^node01\s+Ready/m.test(nodes()), 90_000);
      const dd = ['--data-dir', dataDir];
      const start = await kubelab(['lab', 'start', 'kc-web-basics', ...dd]);
      expect(start.stderr + start.stdout).toMatch(/Lab kc-web-basics is ready/);
      // the intro's background.sh ran in the lab's environment
      expect(
        execFileSync(kubectlPath()!, ['get', 'configmap', 'web-settings', '-o', 'jsonpath={.data.greeting}', '--kubeconfig', kubeconfig], { encoding: 'utf8' }),
      ).toBe('hello');

      const fresh = await kubelab(['lab', 'check', 'kc-web-basics', ...dd]);
      expect(fresh.code).toBe(1);
      expect(fresh.stdout).toContain('There is no Deployment web with the image nginx yet.');
      expect(fresh.stdout).toMatch(/0\/3 steps pass/);

      const solve = await kubelab(['lab', 'solve', 'kc-web-basics', ...dd]);
      expect(solve.stderr).toMatch(/ web-/); // `ssh node01 crictl ps` listed web's containers
      expect(solve.code).toBe(0);
      const solved = await kubelab(['lab', 'check', 'kc-web-basics', '--json', ...dd]);
      const graded = JSON.parse(solved.stdout);
      expect(graded.steps.map((s: any) => s.ok)).toEqual([true, true, true]);
      // a passing verify.sh's output is the grader's message too
      expect(graded.steps[2].checks[0].message).toBe('node01 runs web and carries the label.');
      expect(solved.code).toBe(0);

      expect((await kubelab(['lab', 'reset', 'kc-web-basics', ...dd])).code).toBe(0);
      const again = await kubelab(['lab', 'check', 'kc-web-basics', ...dd]);
      expect(again.code).toBe(1);
      expect(again.stdout).toMatch(/0\/3 steps pass/);
    } finally {
      const exited = new Promise((res) => proc.once('exit', res));
      proc.kill('SIGTERM');
      await exited;
    }
  }, 240_000);
});
