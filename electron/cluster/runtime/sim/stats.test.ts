import { describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../interface';
import { httpRequest } from './programs/http';
import { runContainer, sandboxConfig, waitFor, worldsPerTest } from './test-helpers';

const world = worldsPerTest();

const Mi = 1024 * 1024;

describe('resource figures', () => {
  it('containerStats: memory follows what stress allocates; CPU is capped by the limit and accumulates', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'hog', 'polinux/stress', {
      command: ['stress'],
      args: ['--cpu', '2', '--vm', '1', '--vm-bytes', '50M'],
      memoryLimitBytes: 200 * Mi,
      cpuLimitMillis: 500,
    });
    const s = await waitFor(
      async () => {
        const st = await w.rt.containerStats(id);
        return st && st.memoryWorkingSetBytes >= 50 * Mi ? st : undefined;
      },
      3000,
      '50Mi in use',
    );
    expect(s.memoryWorkingSetBytes).toBeLessThan(60 * Mi);
    await waitFor(async () => ((await w.rt.containerStats(id))?.cpuUsageNanoSeconds ?? 0) > 0);
    const a = (await w.rt.containerStats(id))!;
    await new Promise((r) => setTimeout(r, 100)); // an interval to measure a rate over, not synchronisation
    const b = (await w.rt.containerStats(id))!;
    expect(b.cpuUsageNanoCores).toBe(5e8);
    expect(b.cpuUsageNanoSeconds).toBeGreaterThan(a.cpuUsageNanoSeconds);
    expect(b.timestamp).toBeGreaterThanOrEqual(a.timestamp);
    const stat = (await w.rt.execSync(id, ['cat', '/sys/fs/cgroup/cpu.stat'], 5)).stdout;
    expect(Number(/nr_throttled (\d+)/.exec(stat)![1])).toBeGreaterThan(0);
    await w.rt.stopContainer(id, 1);
    expect((await w.rt.containerStats(id))?.memoryWorkingSetBytes).toBe(0);
    expect(await w.rt.containerStats('nope')).toBeUndefined();
  });

  it('a server that computes per request (hpa-example) uses CPU in proportion to the requests it gets, capped by its limit', async () => {
    const w = world();
    const { sb, id } = await runContainer(w.rt, w.dir, 'php', 'registry.k8s.io/hpa-example', { cpuLimitMillis: 500 });
    const ip = (await w.rt.podSandboxStatus(sb))!.podIPs[0];
    const get = async () => {
      const sock = await waitFor(() => w.network.connect({ podIP: '10.244.9.9', namespace: 'default' }, ip, 80).catch(() => undefined), 5000, 'listening');
      return httpRequest(sock, 'GET', ip, '/');
    };
    const idle = (await w.rt.containerStats(id))!;
    expect(idle.cpuUsageNanoCores).toBeLessThan(1e7);
    const started = Date.now();
    const first = await get();
    expect(first.body.toString()).toBe('OK!');
    // 50 ms of work at half a core: the limit throttles the request to ~100 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    // four clients at once queue on the quota; ten requests are 500 ms of CPU time
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        for (let i = 0; i < 2; i++) await get();
      }),
    );
    await get();
    const busy = (await w.rt.containerStats(id))!;
    expect(busy.cpuUsageNanoSeconds - idle.cpuUsageNanoSeconds).toBeGreaterThanOrEqual(500_000_000);
    // ten requests' 500 ms spread over the 15 s window the metrics API reports
    expect(busy.cpuUsageNanoCores).toBeGreaterThanOrEqual(500_000_000 / 15);
    expect(busy.cpuUsageNanoCores).toBeLessThanOrEqual(5e8);
  });

  it('a shell loop of requests (a load generator) waits on the network off the CPU; the server it calls does the work', async () => {
    const w = world();
    const { sb } = await runContainer(w.rt, w.dir, 'php', 'registry.k8s.io/hpa-example');
    const ip = (await w.rt.podSandboxStatus(sb))!.podIPs[0];
    const php = (await w.rt.listContainers(sb))[0].id;
    const { id: gen } = await runContainer(w.rt, w.dir, 'gen', 'busybox', {
      command: ['sh', '-c', `while true; do wget -q -O- http://${ip}/ >/dev/null; done`],
    });
    const s = await waitFor(
      async () => {
        const st = await w.rt.containerStats(php);
        return st && st.cpuUsageNanoSeconds > 300_000_000 ? st : undefined;
      },
      5000,
      'php-apache busy',
    );
    expect(s.cpuUsageNanoCores).toBeGreaterThan(2e7);
    // the client spends its time waiting for 50 ms answers: a sample finds it off the CPU
    const samples = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        await new Promise((r) => setTimeout(r, i * 37));
        return (await w.rt.containerStats(gen))!.cpuUsageNanoCores;
      }),
    );
    expect(Math.min(...samples)).toBeLessThan(1e8);
  });

  it('an idle container uses a little memory and almost no CPU', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'idle', 'busybox', { command: ['sleep', '3600'] });
    const s = (await w.rt.containerStats(id))!;
    expect(s.memoryWorkingSetBytes).toBeGreaterThan(0);
    expect(s.memoryWorkingSetBytes).toBeLessThan(10 * Mi);
    expect(s.cpuUsageNanoCores).toBeLessThan(1e7);
  });

  it('/proc/meminfo, free and the cgroup files reflect the limits', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'lim', 'busybox', {
      command: ['sleep', '3600'],
      memoryLimitBytes: 128 * Mi,
      cpuLimitMillis: 250,
      cpuRequestMillis: 100,
      memoryRequestBytes: 64 * Mi,
    });
    const cat = async (p: string) => (await w.rt.execSync(id, ['cat', p], 5)).stdout;
    expect(await cat('/proc/meminfo')).toMatch(/^MemTotal:\s+131072 kB$/m);
    expect(await cat('/sys/fs/cgroup/memory.max')).toBe(`${128 * Mi}\n`);
    expect(await cat('/sys/fs/cgroup/cpu.max')).toBe('25000 100000\n');
    const current = Number(await cat('/sys/fs/cgroup/memory.current'));
    expect(current).toBeGreaterThan(0);
    expect(current).toBeLessThan(128 * Mi);
    expect((await w.rt.execSync(id, ['free', '-m'], 5)).stdout).toMatch(/^Mem:\s+128\s/m);
    expect((await w.rt.execSync(id, ['nproc'], 5)).stdout).toBe('1\n');
    expect((await w.rt.execSync(id, ['ls', '/sys/fs/cgroup'], 5)).stdout).toContain('memory.max\n');

    const free = await runContainer(w.rt, w.dir, 'unl', 'busybox', { command: ['sleep', '3600'] });
    const cat2 = async (p: string) => (await w.rt.execSync(free.id, ['cat', p], 5)).stdout;
    expect(await cat2('/sys/fs/cgroup/memory.max')).toBe('max\n');
    expect(await cat2('/sys/fs/cgroup/cpu.max')).toBe('max 100000\n');
    expect(await cat2('/proc/meminfo')).toMatch(/^MemTotal:\s+8388608 kB$/m);
  });

  it('the pod-level limit applies when the container has none', async () => {
    const w = world();
    await w.rt.pullImage('busybox');
    const sb = await w.rt.runPodSandbox(sandboxConfig('podlim', w.dir, { memoryLimitBytes: 256 * Mi, cpuLimitMillis: 1500 }), 'runc');
    const { id } = await runContainer(w.rt, w.dir, 'podlim', 'busybox', { command: ['sleep', '3600'] }, sb);
    expect((await w.rt.execSync(id, ['cat', '/sys/fs/cgroup/memory.max'], 5)).stdout).toBe(`${256 * Mi}\n`);
    expect((await w.rt.execSync(id, ['cat', '/sys/fs/cgroup/cpu.max'], 5)).stdout).toBe('150000 100000\n');
  });

  it('an OOM kill is reported in the status and stays inside its own container', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'oom', 'busybox', { command: ['sh', '-c', 'sleep 3600'], memoryLimitBytes: 64 * Mi });
    const hog = await runContainer(w.rt, w.dir, 'oom2', 'polinux/stress', {
      command: ['stress', '--vm', '1', '--vm-bytes', '100M'],
      memoryLimitBytes: 64 * Mi,
    });
    const st = await waitFor(async () => {
      const s = await w.rt.containerStatus(hog.id);
      return s?.state === 'exited' && s;
    });
    expect(st).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect((await w.rt.execSync(id, ['cat', '/sys/fs/cgroup/memory.events'], 5)).stdout).toContain('oom_kill 0\n');
  });
});

describe('runtime events', () => {
  it('ContainerStarted and ContainerStopped arrive in order, for exits and stops; unsubscribe works', async () => {
    const w = world();
    const events: RuntimeEvent[] = [];
    const off = w.rt.onEvent((e) => events.push(e));
    const quick = await runContainer(w.rt, w.dir, 'quick', 'busybox', { command: ['sh', '-c', 'exit 0'] });
    await waitFor(() => events.some((e) => e.type === 'ContainerStopped' && e.containerId === quick.id), 3000, 'stopped event');
    expect(events.filter((e) => 'containerId' in e && e.containerId === quick.id)).toEqual([
      { type: 'ContainerStarted', containerId: quick.id, sandboxId: quick.sb },
      { type: 'ContainerStopped', containerId: quick.id, sandboxId: quick.sb },
    ]);
    // the status is final by the time the event is seen
    expect(await w.rt.containerStatus(quick.id)).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed' });
    const long = await runContainer(w.rt, w.dir, 'long', 'busybox', { command: ['sleep', '3600'] });
    await w.rt.stopPodSandbox(long.sb);
    expect(events.filter((e) => e.type === 'ContainerStopped' && e.containerId === long.id)).toHaveLength(1);
    expect(events.at(-1)).toEqual({ type: 'SandboxStopped', sandboxId: long.sb });
    off();
    const n = events.length;
    const after = await runContainer(w.rt, w.dir, 'after', 'busybox', { command: ['sh', '-c', 'exit 0'] });
    await waitFor(async () => (await w.rt.containerStatus(after.id))?.state === 'exited');
    expect(events).toHaveLength(n);
  });

  it('an event listener that throws does not break the runtime', async () => {
    const w = world();
    w.rt.onEvent(() => {
      throw new Error('listener bug');
    });
    const seen: string[] = [];
    w.rt.onEvent((e) => seen.push(e.type));
    const { id } = await runContainer(w.rt, w.dir, 'ok', 'busybox', { command: ['sh', '-c', 'exit 0'] });
    await waitFor(() => seen.includes('ContainerStopped'));
    expect((await w.rt.containerStatus(id))?.state).toBe('exited');
  });
});
