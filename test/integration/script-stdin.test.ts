// Input piped into `sh -c` scripts in simulated pods (`kubectl exec -i`, `kubectl run -i`), compared with what
// busybox sh prints for the same script and input (busybox 1.35, `printf INPUT | busybox sh -c SCRIPT`).
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../harness';

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

  it('a reading script takes each line as it arrives on a pipe that stays open, as sh does', async () => {
    for (const [script, replies] of [
      ['while read l; do echo "<$l>"; done; echo end', ['<one>\n', '<one>\n<two>\n']],
      ['read x; echo $x; read y; echo $y', ['one\n', 'one\ntwo\n']],
    ] as const) {
      const p = tc.kubectlSpawn(['exec', '-i', 'bb', '--', 'sh', '-c', script]);
      let stdout = '';
      p.stdout!.on('data', (c) => (stdout += c));
      const closed = new Promise<number | null>((resolve) => p.on('close', resolve));
      try {
        p.stdin!.write('one\n');
        await waitFor(() => stdout === replies[0], { timeoutMs: 15_000, what: `first line's output of ${script}, got ${JSON.stringify(stdout)}` });
        p.stdin!.write('two\n');
        await waitFor(() => stdout.startsWith(replies[1]), { timeoutMs: 15_000, what: `second line's output of ${script}, got ${JSON.stringify(stdout)}` });
        p.stdin!.end();
        expect(await closed).toBe(0);
      } finally {
        p.kill('SIGKILL');
      }
      expect(stdout).toBe(script.includes('end') ? `${replies[1]}end\n` : replies[1]);
    }
  }, 60_000);

  /** kubectl on a terminal of its own (it refuses -t otherwise); `until` is what to wait for before typing `keys` */
  async function onTerminal(args: string[], steps: [until: string, keys: string][]): Promise<{ code: number; out: string }> {
    const term = pty.spawn(kubectl!, ['--kubeconfig', tc.kubeconfig, ...args], { cols: 100, rows: 30, env: process.env as Record<string, string> });
    let out = '';
    term.onData((d) => (out += d));
    const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
    try {
      for (const [until, keys] of steps) {
        await waitFor(() => out.includes(until), { timeoutMs: 30_000, what: `${JSON.stringify(until)} in ${JSON.stringify(out)}` });
        term.write(keys);
      }
      const code = await exited;
      return { code, out };
    } finally {
      term.kill();
    }
  }

  it('kubectl exec -it runs a utility without the variables only a shell exports; a shell there still has them', async () => {
    const direct = await onTerminal(['exec', '-it', 'bb', '--', 'env'], []);
    expect(direct.code).toBe(0);
    expect(direct.out).toContain('HOSTNAME=bb\r\n');
    expect(direct.out).not.toMatch(/^(PWD|OLDPWD|SHLVL)=/m);
    const shell = await onTerminal(
      ['exec', '-it', 'bb', '--', 'sh'],
      [
        ['/ # ', 'env\r'],
        ['SHLVL=1\r\n', 'exit\r'],
      ],
    );
    expect(shell.code).toBe(0);
    expect(shell.out).toContain('PWD=/\r\n');
  }, 60_000);

  it('with -it a sh -c script reads the terminal: the line is echoed as typed and handed over at Enter', async () => {
    const r = await onTerminal(
      ['exec', '-it', 'bb', '--', 'sh', '-c', 'echo ready; read x; echo got $x; read y; echo got $y'],
      [
        ['ready\r\n', 'hellp\x7fo\r'],
        ['got hello\r\n', 'world\r'],
      ],
    );
    expect(r.out).toContain('ready\r\nhellp\b \bo\r\ngot hello\r\nworld\r\ngot world\r\n');
    expect(r.code).toBe(0);
  }, 60_000);

  it('with -it Ctrl-D on an empty line ends the input of a draining utility, and Ctrl-C interrupts the script (130)', async () => {
    const drained = await onTerminal(
      ['exec', '-it', 'bb', '--', 'sh', '-c', 'echo ready; cat; echo end'],
      [
        ['ready\r\n', 'a\r'],
        ['a\r\n', '\x04'],
      ],
    );
    expect(drained.out).toContain('ready\r\na\r\na\r\nend\r\n');
    expect(drained.code).toBe(0);
    const interrupted = await onTerminal(['exec', '-it', 'bb', '--', 'sh', '-c', 'echo ready; read x; echo never'], [['ready\r\n', 'ab\x03']]);
    expect(interrupted.out).not.toContain('never');
    expect(interrupted.code).toBe(130);
  }, 60_000);

  it("kubectl run -it --rm: the pod's sh -c script reads what is typed", async () => {
    const r = await onTerminal(
      ['run', '-it', '--rm', '--restart=Never', 'typed', '--image=busybox', '--', 'sh', '-c', 'read x; echo "got [$x]"'],
      [["If you don't see a command prompt, try pressing enter.", 'hello\r']],
    );
    expect(r.out).toContain('got [hello]');
    expect(r.code).toBe(0);
  }, 90_000);
});
