// Input piped into `sh -c` scripts in simulated pods (`kubectl exec -i`, `kubectl run -i`), compared with what
// busybox sh prints for the same script and input (busybox 1.35, `printf INPUT | busybox sh -c SCRIPT`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('script-stdin: skipped — no kubectl found (set KUBECTL or install kubectl)');

// [script, input, what busybox sh prints]
const CASES: [string, string, string][] = [
  ['cat; wc -l', 'hi\n', 'hi\n0\n'],
  ['read x; echo got $x', 'hello\n', 'got hello\n'],
  ['tr a-z A-Z', 'abc\n', 'ABC\n'],
  ['head -1; cat', 'a\nb\n', 'a\n'],
  ['read x; echo got $x; cat', 'a\nb\n', 'got a\nb\n'],
  ['while read l; do echo "[$l]"; done; echo end', 'a\nb\n', '[a]\n[b]\nend\n'],
  ['cat | tr a-z A-Z; echo end', 'a\nb\n', 'A\nB\nend\n'],
  ['echo start; sort -r; echo done', 'a\nc\nb\n', 'start\nc\nb\na\ndone\n'],
  ['grep b', 'a\nb\n', 'b\n'],
];

describe.skipIf(!kubectl)('stdin of sh -c scripts in pods', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    expect((await tc.kubectl(['run', 'bb', '--image=busybox', '--', 'sleep', '3600'])).code).toBe(0);
    expect((await tc.kubectl(['wait', '--for=condition=Ready', 'pod/bb', '--timeout=40s'], { timeoutMs: 50_000 })).code).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it.each(CASES)(
    'kubectl exec -i bb -- sh -c %j',
    async (script, input, want) => {
      const r = await tc.kubectl(['exec', '-i', 'bb', '--', 'sh', '-c', script], { input });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(want);
      expect(r.code).toBe(0);
    },
    30_000,
  );

  it('reaches a pod started with kubectl run -i, through attach', async () => {
    const r = await tc.kubectl(['run', '-i', '--rm', '--restart=Never', 't', '--image=busybox', '--', 'sh', '-c', 'cat; echo status $?'], {
      input: 'piped line\n',
      timeoutMs: 60_000,
    });
    expect(r.stdout).toContain('piped line\nstatus 0\n');
    expect(r.code).toBe(0);
  }, 70_000);

  it('a script that does not read its input starts without waiting for it to end', async () => {
    // stdin stays open (as from a terminal): only a script that ignores it can finish
    const p = tc.kubectlSpawn(['exec', '-i', 'bb', '--', 'sh', '-c', 'echo no input needed']);
    let stdout = '';
    p.stdout!.on('data', (c) => (stdout += c));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 15_000);
      p.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    p.stdin!.end();
    if (code === null) p.kill('SIGKILL');
    expect(stdout).toBe('no input needed\n');
    expect(code).toBe(0);
  }, 30_000);
});
