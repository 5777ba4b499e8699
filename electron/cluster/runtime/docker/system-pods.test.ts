// Which runtime a Docker node hands a pod to: only pods made entirely of the cluster's system images go to its
// simulator; everything else (and every call about what Docker started) stays with Docker.
import { describe, it, expect } from 'vitest';
import type { ContainerRuntime, PodSandboxConfig, ContainerConfig } from '../interface';
import { DockerNodeRuntime, systemRepositories } from './system-pods';
import { DockerPodAddresses } from './pod-addresses';

function fake(name: string, calls: string[]): ContainerRuntime {
  let n = 0;
  const rec =
    (what: string, result?: unknown) =>
    async (...args: unknown[]) => {
      calls.push(`${name}.${what}(${args.filter((a) => typeof a === 'string').join(',')})`);
      return result;
    };
  return {
    name,
    version: () => ({ runtimeName: name, runtimeVersion: '1', runtimeApiVersion: '1' }),
    handlers: () => ['runc'],
    pullImage: rec('pullImage', { ref: name }),
    imageStatus: rec('imageStatus'),
    listImages: async () =>
      [
        { ref: `${name === 'sim' ? 'registry.k8s.io/coredns/coredns:v1.12.0' : 'docker.io/library/busybox:latest'}` },
        { ref: `docker.io/library/nginx:${name}` },
      ] as never,
    removeImage: rec('removeImage'),
    runPodSandbox: async () => `${name}-sb-${++n}`,
    stopPodSandbox: rec('stopPodSandbox'),
    removePodSandbox: rec('removePodSandbox'),
    podSandboxStatus: rec('podSandboxStatus'),
    listPodSandboxes: async () => [],
    createContainer: async () => `${name}-c-${++n}`,
    startContainer: rec('startContainer'),
    stopContainer: rec('stopContainer'),
    removeContainer: rec('removeContainer'),
    containerStatus: rec('containerStatus'),
    listContainers: async () => [],
    containerStats: rec('containerStats'),
    execSync: rec('execSync'),
    exec: rec('exec'),
    attach: rec('attach'),
    portForward: rec('portForward'),
    probeConnect: rec('probeConnect'),
    onEvent: () => () => undefined,
    shutdown: rec('shutdown'),
  } as ContainerRuntime;
}

const programs = { coredns: { program: (() => 0) as never, repositories: ['registry.k8s.io/coredns/coredns'] } };
const sandbox = (images: string[], podIPs = ['10.244.2.5'], hostNetwork = false) =>
  ({ name: 'p', namespace: 'ns', uid: 'u', images, podIPs, hostNetwork }) as unknown as PodSandboxConfig;

describe('a Docker node with the cluster system programs', () => {
  const setup = () => {
    const calls: string[] = [];
    return { calls, rt: new DockerNodeRuntime(fake('docker', calls), fake('sim', calls), systemRepositories(programs)) };
  };

  it('runs a pod of system images on its simulator, and every later call about it there', async () => {
    const { calls, rt } = setup();
    const sb = await rt.runPodSandbox(sandbox(['registry.k8s.io/coredns/coredns:v1.12.0']), '');
    expect(sb).toMatch(/^sim-/);
    const c = await rt.createContainer(sb, { name: 'coredns' } as ContainerConfig);
    await rt.startContainer(c);
    await rt.execSync(c, ['true'], 1);
    await rt.removePodSandbox(sb);
    // gone with its sandbox: a later question about the id is no longer the simulator's
    await rt.containerStatus(c);
    expect(calls).toEqual([`sim.startContainer(${c})`, `sim.execSync(${c})`, `sim.removePodSandbox(${sb})`, `docker.containerStatus(${c})`]);
    expect(rt.name).toBe('docker');
  });

  it('keeps user pods, and pods mixing a system image with another, on Docker', async () => {
    const { rt } = setup();
    expect(await rt.runPodSandbox(sandbox(['busybox']), '')).toMatch(/^docker-/);
    expect(await rt.runPodSandbox(sandbox(['registry.k8s.io/coredns/coredns:v1.12.0', 'busybox']), '')).toMatch(/^docker-/);
    expect(await rt.runPodSandbox(sandbox([]), '')).toMatch(/^docker-/);
  });

  it('asks the simulator about system images only, and lists the daemon images plus the system ones', async () => {
    const { calls, rt } = setup();
    await rt.imageStatus('registry.k8s.io/coredns/coredns:v1.12.0');
    await rt.pullImage('nginx');
    expect(calls).toEqual(['sim.imageStatus(registry.k8s.io/coredns/coredns:v1.12.0)', 'docker.pullImage(nginx)']);
    expect((await rt.listImages()).map((i) => i.ref)).toEqual([
      'docker.io/library/busybox:latest',
      'docker.io/library/nginx:docker',
      'registry.k8s.io/coredns/coredns:v1.12.0',
    ]);
  });

  it("records the addresses and CNI ADD/DEL of the pods Docker runs (the cluster network dials them), not the simulator's", async () => {
    const addresses = new DockerPodAddresses();
    const cni: string[] = [];
    const network = { attach: (id: string) => cni.push(`ADD ${id}`), detach: (id: string) => cni.push(`DEL ${id}`) };
    const rt = new DockerNodeRuntime(fake('docker', []), fake('sim', []), systemRepositories(programs), { addresses, network });
    const web = await rt.runPodSandbox(sandbox(['nginx'], ['10.244.2.5']), '');
    await rt.runPodSandbox(sandbox(['registry.k8s.io/coredns/coredns:v1.12.0'], ['10.244.2.6']), '');
    await rt.runPodSandbox(sandbox(['busybox'], ['172.18.0.4'], true), '');
    expect(['10.244.2.5', '10.244.2.6', '172.18.0.4'].map((ip) => addresses.has(ip))).toEqual([true, false, false]);
    // the address went to a new sandbox of the same pod before the old one was removed: it stays the new one's
    const again = await rt.runPodSandbox(sandbox(['nginx'], ['10.244.2.5']), '');
    await rt.removePodSandbox(web);
    expect(addresses.has('10.244.2.5')).toBe(true);
    await rt.removePodSandbox(again);
    expect(addresses.has('10.244.2.5')).toBe(false);
    // the simulator reports its own sandboxes' CNI operations; a hostNetwork sandbox is recorded (CNI skips it there)
    expect(cni).toEqual([`ADD ${web}`, 'ADD docker-sb-2', `ADD ${again}`, `DEL ${web}`, `DEL ${again}`]);
  });
});
