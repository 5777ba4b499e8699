import { describe, it, expect } from 'vitest';
import * as nodeNet from 'node:net';
import type { Duplex } from 'node:stream';
import type { KObject } from '../api/types';
import { MemInformer } from './test-helpers';
import { ClusterNetwork } from './cluster-network';
import { dialExternalPod } from './external-pods';
import type { PodSandboxConfig } from '../runtime/interface';
import { SimSandbox } from '../runtime/sim/sandbox';
import { kernelFor } from '../runtime/sim/kernel';

const node = (name: string, i: number): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: { podCIDR: `10.244.${i}.0/24` },
  status: { addresses: [{ type: 'InternalIP', address: `172.18.0.${i + 2}` }] },
});

function world(externalPods?: { has(ip: string): boolean }) {
  const services = new MemInformer({ group: '', version: 'v1', resource: 'services' });
  const slices = new MemInformer({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' });
  const nodes = new MemInformer({ group: '', version: 'v1', resource: 'nodes' });
  nodes.put(node('cp', 0));
  nodes.put(node('w1', 1));
  const logs: string[] = [];
  const net = new ClusterNetwork({
    services,
    slices,
    nodes,
    resolve: (n) => (n === 'web' ? ['10.96.7.7'] : undefined),
    log: (l) => logs.push(l),
    dropTimeoutMs: 50,
    externalPods,
  });
  const service = (name: string, clusterIP: string, endpoint: { ip: string; port: number }) => {
    services.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'ns' },
      spec: { clusterIP, ports: [{ port: 80, protocol: 'TCP' }] },
    });
    slices.put({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-x`, namespace: 'ns', labels: { 'kubernetes.io/service-name': name } },
      ports: [{ name: '', port: endpoint.port, protocol: 'TCP' }],
      endpoints: [{ addresses: [endpoint.ip], nodeName: 'w1', conditions: { ready: true } }],
    } as any);
  };
  service('web', '10.96.7.7', { ip: '10.244.1.5', port: 8080 });
  const seen: { ip: string }[] = [];
  net.listen('10.244.1.5', 8080, 'tcp', (sock: Duplex, from) => {
    seen.push(from);
    sock.end('hi');
  });
  return { net, seen, logs, service };
}
const sandbox = (over: Partial<PodSandboxConfig>): PodSandboxConfig => ({
  name: 'p',
  namespace: 'ns',
  uid: 'u',
  attempt: 0,
  hostname: 'p',
  labels: {},
  annotations: {},
  podIPs: ['10.244.1.5'],
  hostNetwork: false,
  dns: { servers: [], searches: [], options: [] },
  memoryLimitBytes: 0,
  cpuLimitMillis: 0,
  podDir: '/tmp/x',
  nodeName: 'w1',
  ...over,
});

describe('cluster network data path', () => {
  it('resolves a name, translates the VIP and delivers with the client IP kept', async () => {
    const { net, seen } = world();
    const sock = await net.connect({ podIP: '10.244.0.9', namespace: 'ns' }, 'web', 80);
    sock.resume();
    expect(seen).toEqual([{ ip: '10.244.0.9' }]);
    await expect(net.connect({ podIP: '10.244.0.9', namespace: 'ns' }, 'nosuch', 80)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('traces the path through the Service and the packet filter, and drops what the filter denies', async () => {
    const { net } = world();
    const src = { ip: '10.244.0.9', node: 'cp', internal: true };
    expect(net.trace(src, '10.96.7.7', 80)).toMatchObject({
      ok: true,
      path: [
        { step: 'service', detail: 'ns/web 10.96.7.7:80 -> 10.244.1.5:8080 on w1' },
        { step: 'deliver', detail: '10.244.1.5:8080' },
      ],
    });
    net.setPacketFilter({ check: (f) => ({ allowed: f.srcIP !== '10.244.0.9', reason: 'deny from 10.244.0.9' }) });
    expect(net.trace(src, '10.96.7.7', 80)).toMatchObject({ ok: false, code: 'ETIMEDOUT', verdict: { allowed: false } });
    await expect(net.connect({ podIP: '10.244.0.9', namespace: 'ns' }, '10.96.7.7', 80)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(net.trace(src, '10.244.1.5', 9999)).toMatchObject({ ok: false, code: 'ETIMEDOUT' });
    net.setPacketFilter(undefined);
    expect(net.trace(src, '10.244.1.5', 9999)).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
  });

  it('maps a hostPort on the node IP to the pod after CNI ADD, and forgets it on DEL', () => {
    const { net, logs } = world();
    net.attach('sb1', sandbox({ portMappings: [{ containerPort: 8080, hostPort: 8088, protocol: 'TCP' }] }));
    const src = { ip: '10.244.0.9', node: 'cp', internal: true };
    expect(net.trace(src, '172.18.0.3', 8088)).toMatchObject({
      ok: true,
      path: [{ step: 'hostPort', detail: '172.18.0.3:8088 -> 10.244.1.5:8080' }, { step: 'deliver' }],
    });
    expect(net.trace(src, '172.18.0.2', 8088).ok).toBe(false);
    net.detach('sb1');
    expect(net.trace(src, '172.18.0.3', 8088).ok).toBe(false);
    expect(logs.map((l) => l.replace(/sandbox \w+/, 'sandbox X'))).toEqual([
      'kubelet w1: CNI ADD pod ns/p sandbox X: eth0 10.244.1.5/24 (bridge cni0, host-local, portmap 8088->8080/TCP)',
      'kubelet w1: CNI DEL pod ns/p sandbox X: eth0 10.244.1.5/24 (bridge cni0, host-local, portmap 8088->8080/TCP)',
    ]);
  });

  it('refuses a second listener on the same address and knows which node an address lives on', () => {
    const { net } = world();
    expect(() => net.listen('10.244.1.5', 8080, 'tcp', () => undefined)).toThrow(/address already in use/);
    expect(net.nodeOf('10.244.1.77')).toBe('w1');
    expect(net.nodeOf('172.18.0.2')).toBe('cp');
    expect(net.nodeOf('10.96.7.7')).toBeUndefined();
  });

  it('gives hostNetwork pods of one node one port space: the second bind fails and holds nothing', () => {
    const { net } = world();
    const host = (id: string) => new SimSandbox(id, sandbox({ podIPs: ['172.18.0.3'], hostNetwork: true }), 'runc', kernelFor('runc'), net);
    const a = host('a'),
      b = host('b');
    a.listen(9100, () => undefined);
    expect(() => b.listen(9100, () => undefined)).toThrow(/address already in use/);
    expect(b.listeningPorts()).toEqual([]);
    expect(net.trace({ ip: '10.244.0.9', node: 'cp', internal: true }, '172.18.0.3', 9100).ok).toBe(true);
  });
});

/** reads what the server sends until it closes */
const readAll = (sock: Duplex) =>
  new Promise<string>((resolve, reject) => {
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString()));
    sock.on('end', () => resolve(got));
    sock.on('error', reject);
  });

describe('cluster network data path into pods outside the simulator (Docker)', () => {
  // a real server on loopback stands in for a Docker container's address
  const withServer = async (fn: (port: number) => Promise<void>) => {
    const server = nodeNet.createServer((s) => s.end(`hello ${s.remoteAddress}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await fn((server.address() as nodeNet.AddressInfo).port);
    } finally {
      server.close();
    }
  };

  it('delivers over real TCP, by pod IP and through a Service, after the packet filter', async () => {
    await withServer(async (port) => {
      const { net, service } = world({ has: (ip) => ip === '127.0.0.1' });
      const direct = await net.connect({ podIP: '10.244.0.9', namespace: 'ns' }, '127.0.0.1', port);
      const closed = new Promise((r) => direct.once('close', r));
      expect(await readAll(direct)).toBe('hello 127.0.0.1');
      // clients read to the end and drop the socket (wget's HTTP client never ends its side): the real socket must
      // still close, not stay half-open holding a descriptor
      await closed;
      service('doc', '10.96.8.8', { ip: '127.0.0.1', port });
      const src = { ip: '10.244.0.9', node: 'cp', internal: true };
      expect(net.trace(src, '10.96.8.8', 80)).toMatchObject({
        ok: true,
        path: [{ step: 'service' }, { step: 'deliver', detail: `127.0.0.1:${port} (a Docker container: real TCP from the host)` }],
      });
      expect(await readAll(await net.connect({ podIP: '10.244.0.9', namespace: 'ns' }, '10.96.8.8', 80))).toBe('hello 127.0.0.1');
      // the destination's policies are the simulator's to apply, before anything is dialled
      let dialled = 0;
      const filter = (f: { dstIP: string }) => ({ allowed: f.dstIP !== '127.0.0.1', reason: 'deny-all' });
      net.setPacketFilter({ check: (f) => (dialled++, filter(f)) });
      await expect(net.connect({ podIP: '10.244.0.9', namespace: 'ns' }, '10.96.8.8', 80)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      expect(dialled).toBe(1);
    });
  });

  it('turns a refused dial into ECONNREFUSED and an unanswered one into a time-out, logging the dial error', async () => {
    let closedPort = 0;
    await withServer(async (port) => {
      closedPort = port;
    });
    const { net, logs } = world({ has: (ip) => ip === '127.0.0.1' });
    await expect(net.connect({ podIP: '10.244.0.9', namespace: 'ns' }, '127.0.0.1', closedPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^network: dial 127\\.0\\.0\\.1:${closedPort} \\(Docker pod\\): connect ECONNREFUSED`)));
  });

  it('makes an unreachable pod address a connect that hangs until the time-out, logging why', async () => {
    const logs: string[] = [];
    const unreachable = () => {
      const sock = new nodeNet.Socket();
      setImmediate(() => sock.emit('error', Object.assign(new Error('connect EHOSTUNREACH 10.244.2.9:80'), { code: 'EHOSTUNREACH' })));
      return sock;
    };
    const started = Date.now();
    await expect(dialExternalPod('10.244.2.9', 80, { log: (l) => logs.push(l), timeoutMs: 80, connect: unreachable })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    expect(logs).toEqual(['network: dial 10.244.2.9:80 (Docker pod): connect EHOSTUNREACH 10.244.2.9:80']);
  });

  it('leaves an address the runtime does not claim to the simulator (refused when nothing listens)', async () => {
    await withServer(async (port) => {
      const { net } = world({ has: () => false });
      await expect(net.connect({ podIP: '10.244.0.9', namespace: 'ns' }, '127.0.0.1', port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    });
  });
});
