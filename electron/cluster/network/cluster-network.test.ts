import { describe, it, expect } from 'vitest';
import type { Duplex } from 'node:stream';
import type { KObject } from '../api/types';
import { MemInformer } from './test-helpers';
import { ClusterNetwork } from './cluster-network';
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

function world() {
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
  });
  services.put({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'ns' },
    spec: { clusterIP: '10.96.7.7', ports: [{ port: 80, protocol: 'TCP' }] },
  });
  slices.put({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-x', namespace: 'ns', labels: { 'kubernetes.io/service-name': 'web' } },
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    endpoints: [{ addresses: ['10.244.1.5'], nodeName: 'w1', conditions: { ready: true } }],
  } as any);
  const seen: { ip: string }[] = [];
  net.listen('10.244.1.5', 8080, 'tcp', (sock: Duplex, from) => {
    seen.push(from);
    sock.end('hi');
  });
  return { net, seen, logs };
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
