import { afterEach, describe, expect, it } from 'vitest';
import { containerConfig, makeWorld, runContainer, sandboxConfig, waitFor } from './test-helpers';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('process namespaces', () => {
  it('each container sees only its own processes by default', async () => {
    const w = makeWorld();
    cleanup = w.cleanup;
    const a = await runContainer(w.rt, w.dir, 'solo', 'busybox', { name: 'a', command: ['sleep', '3600'] });
    await runContainer(w.rt, w.dir, 'solo', 'busybox', { name: 'b', command: ['sleep', '7200'] }, a.sb);
    const ps = (await w.rt.execSync(a.id, ['ps'], 5)).stdout;
    expect(ps).toMatch(/^\s+1 root .* sleep 3600$/m);
    expect(ps).not.toContain('sleep 7200');
  });

  it('shareProcessNamespace: pause is PID 1 and every container sees and can signal the others', async () => {
    const w = makeWorld();
    cleanup = w.cleanup;
    await w.rt.pullImage('busybox');
    const sb = await w.rt.runPodSandbox(sandboxConfig('shared', w.dir, { shareProcessNamespace: true }), 'runc');
    const a = await runContainer(w.rt, w.dir, 'shared', 'busybox', { name: 'a', command: ['sleep', '3600'] }, sb);
    const b = await runContainer(w.rt, w.dir, 'shared', 'busybox', { name: 'b', command: ['sleep', '7200'] }, sb);
    const ps = (await w.rt.execSync(b.id, ['ps'], 5)).stdout;
    expect(ps).toMatch(/^\s+1 65535 .* \/pause$/m);
    expect(ps).toContain('sleep 3600');
    expect(ps).toContain('sleep 7200');
    const pid = /^\s+(\d+) \S+\s+\S+ sleep 3600$/m.exec(ps)![1];
    expect((await w.rt.execSync(b.id, ['cat', `/proc/${pid}/cmdline`], 5)).stdout).toBe('sleep\u00003600\u0000');
    expect((await w.rt.execSync(b.id, ['kill', pid], 5)).exitCode).toBe(0);
    await waitFor(async () => (await w.rt.containerStatus(a.id))?.state === 'exited', 5000, 'container a to exit after kill from b');
    expect((await w.rt.containerStatus(a.id))?.exitCode).toBe(143);
  });

  it("an ephemeral container with a target joins only that container's namespace (kubectl debug --target)", async () => {
    const w = makeWorld();
    cleanup = w.cleanup;
    const app = await runContainer(w.rt, w.dir, 'dbg', 'busybox', { name: 'app', command: ['sleep', '3600'] });
    await runContainer(w.rt, w.dir, 'dbg', 'busybox', { name: 'side', command: ['sleep', '7200'] }, app.sb);
    const dbg = await w.rt.createContainer(
      app.sb,
      containerConfig('debugger', 'busybox', w.dir, { kind: 'ephemeral', targetContainerName: 'app', command: ['sleep', '60'] }),
    );
    await w.rt.startContainer(dbg);
    const ps = (await w.rt.execSync(dbg, ['ps'], 5)).stdout;
    expect(ps).toMatch(/^\s+1 root .* sleep 3600$/m);
    expect(ps).toContain('sleep 60');
    expect(ps).not.toContain('sleep 7200');
  });
});
