// The pod-spec → Docker translation, checked without a daemon.
import { describe, it, expect } from 'vitest';
import { ContainerCreateError, type ContainerConfig, type ImageInfo, type PodSandboxConfig } from '../interface';
import { containerCreateOptions, cpuShares, hostsFileContent, resolvConfContent } from './container-config';
import { pullReference } from './images';

const sandbox: PodSandboxConfig = {
  name: 'web',
  namespace: 'shop',
  uid: 'u-1',
  attempt: 0,
  hostname: 'web',
  labels: {},
  annotations: {},
  podIPs: ['10.244.1.7'],
  hostNetwork: false,
  dns: { servers: ['10.96.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] },
  hostAliases: [{ ip: '1.2.3.4', hostnames: ['db', 'db.local'] }],
  memoryLimitBytes: 0,
  cpuLimitMillis: 0,
  podDir: '/data/pods/u-1',
  nodeName: 'n1',
};
const image: ImageInfo = {
  ref: 'docker.io/library/busybox:latest',
  id: 'sha256:abc',
  digest: 'sha256:abc',
  sizeBytes: 1,
  entrypoint: [],
  cmd: ['sh'],
  env: [],
  workingDir: '',
  user: '',
  exposedPorts: [],
};
const base: ContainerConfig = {
  name: 'app',
  image: 'busybox',
  env: [{ name: 'A', value: '1' }],
  mounts: [],
  tty: false,
  stdin: false,
  stdinOnce: false,
  security: {},
  memoryLimitBytes: 0,
  memoryRequestBytes: 0,
  cpuLimitMillis: 0,
  cpuRequestMillis: 0,
  logPath: '/l/0.log',
  attempt: 2,
  kind: 'regular',
};
const sb = { id: 'sb1', config: sandbox, hostsFile: '/data/pods/u-1/etc/hosts', resolvFile: '/data/pods/u-1/etc/resolv.conf' };
const where = { cluster: 'c1', dataDir: '/data', node: 'n1', terminationLogFile: '/data/pods/u-1/containers/app/2-termination-log' };

describe('containerCreateOptions', () => {
  it('keeps the image entrypoint for args only and replaces both for command', () => {
    expect(containerCreateOptions({ ...base, args: ['-c', 'x'] }, sb, image, where)).toMatchObject({ Cmd: ['-c', 'x'] });
    expect(containerCreateOptions({ ...base, args: ['-c', 'x'] }, sb, image, where).Entrypoint).toBeUndefined();
    expect(containerCreateOptions({ ...base, command: ['sleep'] }, sb, image, where)).toMatchObject({ Entrypoint: ['sleep'], Cmd: [] });
    const neither = containerCreateOptions(base, sb, image, where);
    expect(neither.Entrypoint).toBeUndefined();
    expect(neither.Cmd).toBeUndefined();
  });

  it('joins the sandbox namespaces, names and labels the container as dockershim does', () => {
    const o = containerCreateOptions(base, { ...sb, config: { ...sandbox, shareProcessNamespace: true } }, image, where);
    expect(o.name).toBe('k8s_app_web_shop_u-1_2');
    expect(o.HostConfig).toMatchObject({ NetworkMode: 'container:sb1', IpcMode: 'container:sb1', PidMode: 'container:sb1', RestartPolicy: { Name: 'no' } });
    expect(o.Labels).toMatchObject({
      'io.kubernetes.pod.name': 'web',
      'io.kubernetes.pod.namespace': 'shop',
      'io.kubernetes.pod.uid': 'u-1',
      'io.kubernetes.container.name': 'app',
      'io.kubelab.cluster': 'c1',
      'io.kubelab.node': 'n1',
    });
    expect(containerCreateOptions(base, sb, image, where).HostConfig?.PidMode).toBeUndefined();
  });

  it("puts a targeted ephemeral container in its target's PID namespace (kubectl debug --target)", () => {
    const o = containerCreateOptions({ ...base, kind: 'ephemeral', targetContainerName: 'app' }, sb, image, { ...where, targetContainerId: 'c-app' });
    expect(o.HostConfig?.PidMode).toBe('container:c-app');
  });

  it("mounts volumes, the kubelet's /etc files and the termination log, letting a volume win over /etc/hosts", () => {
    const o = containerCreateOptions(
      { ...base, terminationMessagePath: '/dev/termination-log', mounts: [{ containerPath: '/etc/hosts', hostPath: '/v/hosts', readOnly: true }] },
      sb,
      image,
      where,
    );
    expect(o.HostConfig?.Mounts).toEqual([
      { Type: 'bind', Source: '/v/hosts', Target: '/etc/hosts', ReadOnly: true },
      { Type: 'bind', Source: sb.resolvFile, Target: '/etc/resolv.conf', ReadOnly: false },
      { Type: 'bind', Source: where.terminationLogFile, Target: '/dev/termination-log', ReadOnly: false },
    ]);
  });

  it('maps security context and resources to Docker options', () => {
    const o = containerCreateOptions(
      {
        ...base,
        memoryLimitBytes: 64 << 20,
        cpuLimitMillis: 500,
        cpuRequestMillis: 250,
        security: {
          runAsUser: 1000,
          runAsGroup: 3000,
          supplementalGroups: [5],
          fsGroup: 6,
          readOnlyRootFilesystem: true,
          privileged: false,
          allowPrivilegeEscalation: false,
          capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
        },
      },
      sb,
      image,
      where,
    );
    expect(o.User).toBe('1000:3000');
    expect(o.HostConfig).toMatchObject({
      Memory: 64 << 20,
      MemorySwap: 64 << 20,
      CpuPeriod: 100_000,
      CpuQuota: 50_000,
      CpuShares: 256,
      ReadonlyRootfs: true,
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      GroupAdd: ['5', '6'],
    });
    expect(o.Env).toEqual(['A=1']);
  });

  it('refuses runAsNonRoot with an image that runs as root', () => {
    expect(() => containerCreateOptions({ ...base, security: { runAsNonRoot: true } }, sb, image, where)).toThrow(ContainerCreateError);
    expect(() => containerCreateOptions({ ...base, security: { runAsNonRoot: true } }, sb, { ...image, user: '1000' }, where)).not.toThrow();
  });
});

describe('pod files and references', () => {
  it('writes /etc/hosts and /etc/resolv.conf as the kubelet does', () => {
    expect(hostsFileContent(sandbox)).toContain('10.244.1.7\tweb\n\n# Entries added by HostAliases.\n1.2.3.4\tdb\tdb.local\n');
    expect(resolvConfContent(sandbox)).toBe('search shop.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
  });
  it('converts CPU requests to shares with the kernel minimum', () => {
    expect([cpuShares(0), cpuShares(1), cpuShares(1000)]).toEqual([2, 2, 1024]);
  });
  it('pulls a bare name as :latest rather than every tag', () => {
    expect(pullReference('busybox')).toBe('busybox:latest');
    expect(pullReference('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(pullReference('nginx:1.27')).toBe('nginx:1.27');
    expect(pullReference('nginx@sha256:00')).toBe('nginx@sha256:00');
  });
});
