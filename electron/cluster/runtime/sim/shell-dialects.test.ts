import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRuntime } from '../interface';
import { makeWorld, runContainer } from './test-helpers';

/**
 * Shell and utility behaviour that test/userland's differential harness measures against the real binaries,
 * pinned here with the real images' answers so it is checked where the harness cannot run (no root, not Linux).
 */
const worlds: ReturnType<typeof makeWorld>[] = [];
const pods: Record<string, { rt: ContainerRuntime; id: string }> = {};
beforeAll(async () => {
  for (const image of ['busybox', 'debian']) {
    const w = makeWorld();
    worlds.push(w);
    const { id } = await runContainer(w.rt, w.dir, `pod-${image}`, image, { command: ['sleep', 'infinity'] });
    pods[image] = { rt: w.rt, id };
  }
}, 60_000);
afterAll(async () => {
  for (const w of worlds) await w.cleanup();
});

const sh = async (image: string, cmd: string) => {
  const { rt, id } = pods[image];
  const r = await rt.execSync(id, ['sh', '-c', cmd], 20);
  return { stdout: r.stdout, stderr: r.stderr, code: r.exitCode };
};

describe('every shell', () => {
  it.each(['busybox', 'debian'])('%s: a command name from an expansion splits into fields; $(cmd) inside $((…)) is its value', async (img) => {
    expect(await sh(img, "x='echo via-var'; $x; echo $(( $(echo 4) * 2 ))")).toEqual({ stdout: 'via-var\n8\n', stderr: '', code: 0 });
  });
  it.each(['busybox', 'debian'])('%s: a trap runs when the shell signals itself and the script goes on', async (img) => {
    expect(await sh(img, "trap 'echo int' INT; kill -INT $$; echo continued")).toEqual({ stdout: 'int\ncontinued\n', stderr: '', code: 0 });
  });
  it.each(['busybox', 'debian'])('%s: env prints the exported environment; a utility`s command obeys its redirections', async (img) => {
    expect((await sh(img, 'env -i A=1 env; x=1; env | grep -c "^x="; nohup echo x > /dev/null 2>&1; echo $?')).stdout).toBe('A=1\n0\n0\n');
  });
  it.each(['busybox', 'debian'])('%s: grep takes several -e and -H; awk -v OFS applies to rebuilt records', async (img) => {
    const r = await sh(img, "printf 'one\\ntwo\\n' | grep -e one -e two; grep -H root /etc/group | head -1; echo 'a b' | awk -v OFS=- '{$1=$1; print}'");
    expect(r.stdout).toBe('one\ntwo\n/etc/group:root:x:0:\na-b\n');
  });
});

describe('ash and dash', () => {
  it('a ${v:?} error names v and ends the script with status 2', async () => {
    expect(await sh('busybox', 'echo ${UNSET3:?is required}; echo no')).toEqual({ stdout: '', stderr: 'sh: UNSET3: is required\n', code: 2 });
    expect(await sh('debian', 'echo ${UNSET3:?is required}; echo no')).toEqual({ stdout: '', stderr: 'sh: 1: UNSET3: is required\n', code: 2 });
  });
  it('readonly, set -u and local outside a function are fatal with status 2', async () => {
    expect((await sh('debian', 'readonly r=1; r=2; echo $r')).code).toBe(2);
    expect((await sh('busybox', 'set -u; echo $UNDEFINED_VAR')).code).toBe(2);
    expect((await sh('debian', 'local x=1')).code).toBe(2);
  });
  it('arrays and ${a[i]} are syntax errors', async () => {
    expect(await sh('busybox', 'x=(a b c); echo ${x[1]}')).toEqual({ stdout: '', stderr: 'sh: syntax error: unexpected "("\n', code: 2 });
    expect(await sh('debian', 'echo ${PIPESTATUS[0]}')).toEqual({ stdout: '', stderr: 'sh: 1: Bad substitution\n', code: 2 });
  });
  it("dash has no $'…', **, set -o pipefail or printf %q", async () => {
    expect((await sh('debian', "echo $'a\\tb'")).stdout).toBe('$a\tb\n');
    expect(await sh('debian', 'echo $((2**10))')).toEqual({ stdout: '', stderr: 'sh: 1: arithmetic expression: expecting primary: "2**10"\n', code: 2 });
    expect(await sh('debian', 'set -o pipefail; echo no')).toEqual({ stdout: '', stderr: 'sh: 1: set: Illegal option -o pipefail\n', code: 2 });
    expect(await sh('debian', "printf '%q\\n' 'a b'")).toEqual({ stdout: '', stderr: 'sh: 1: printf: %q: invalid directive\n', code: 2 });
  });
  it('time is busybox`s applet and missing in dash; $- and cd - as each shell answers', async () => {
    expect(await sh('debian', 'time true')).toEqual({ stdout: '', stderr: 'sh: 1: time: not found\n', code: 127 });
    expect((await sh('busybox', 'time true')).stderr).toMatch(/^real\t0m \d+\.\d\ds\nuser\t0m 0\.00s\nsys\t0m 0\.00s\n$/);
    expect((await sh('busybox', 'set -e; set -u; echo $-; cd - 2>&1; pwd')).stdout).toBe('uce\n/\n/\n');
    expect((await sh('debian', 'set -e; set -u; echo $-')).stdout).toBe('ue\n');
  });
  it('. of a missing file ends the script; shell errors sent to stdout keep the dialect`s wording', async () => {
    expect(await sh('debian', '. /nonexistent; echo no')).toEqual({ stdout: '', stderr: 'sh: 1: .: cannot open /nonexistent: No such file\n', code: 2 });
    expect((await sh('busybox', 'cd /nope 2>&1; echo $?')).stdout).toBe("sh: cd: line 0: can't cd to /nope: No such file or directory\n2\n");
  });
  it('kill -l lists as each shell does; dash`s kill %N without job control fails', async () => {
    expect((await sh('busybox', 'kill -l | head -2')).stdout).toBe(' 1) HUP\n 2) INT\n');
    expect((await sh('debian', 'kill -l | head -2')).stdout).toBe('0\nHUP\n');
    expect((await sh('debian', 'sleep 5 & kill %1; wait; echo killed')).stderr).toBe('sh: 1: kill: No such process\n\n');
  });
});
