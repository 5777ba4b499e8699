import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import type { Informer } from '../../client/types';
import { ClusterDns, type DnsInstance } from './cluster-dns';
import { emptyReply } from './message';

/** an informer over a fixed list, with the secondary indexes ClusterDns adds */
function fixed(items: KObject[]): Informer {
  const indexes = new Map<string, (o: KObject) => string[]>();
  return {
    gvr: { group: '', version: 'v1', resource: 'x' },
    synced: async () => undefined,
    hasSynced: () => true,
    get: () => undefined,
    getByName: (ns, name) => items.find((o) => o.metadata.name === name && (ns === undefined || o.metadata.namespace === ns)),
    list: () => items,
    onAdd: () => undefined,
    onUpdate: () => undefined,
    onDelete: () => undefined,
    addIndex: (n, fn) => {
      indexes.set(n, fn);
    },
    byIndex: (n, v) => items.filter((o) => indexes.get(n)?.(o).includes(v)),
  };
}

const kubeDns: KObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'kube-dns', namespace: 'kube-system' },
  spec: { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
};
const slice = (ready: boolean): KObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'kube-dns-x', namespace: 'kube-system', labels: { 'kubernetes.io/service-name': 'kube-dns' } },
  endpoints: [{ addresses: ['10.244.0.2'], conditions: { ready } }],
  ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
});

function world(ready: boolean) {
  const dns = new ClusterDns({ services: fixed([kubeDns]), endpointSlices: fixed([slice(ready)]), namespaces: fixed([]) });
  const seen: string[] = [];
  const inst: DnsInstance = {
    podIP: '10.244.0.2',
    port: 53,
    handle: async (q, client) => {
      seen.push(`${client.ip} ${q.name}`);
      return emptyReply(q, 'NXDOMAIN', true);
    },
  };
  const off = dns.register(inst);
  return { dns, seen, off };
}
const q = { name: 'x.', type: 'A' as const };

describe('the path of a DNS query', () => {
  it('goes from the kube-dns VIP to a ready CoreDNS endpoint, and to a pod IP directly', async () => {
    const { dns, seen } = world(true);
    expect((await dns.exchange('10.244.1.5', { ip: '10.96.0.10', port: 53 }, q))?.rcode).toBe('NXDOMAIN');
    expect((await dns.exchange('10.244.1.5', { ip: '10.244.0.2', port: 53 }, q))?.rcode).toBe('NXDOMAIN');
    expect(seen).toEqual(['10.244.1.5 x.', '10.244.1.5 x.']);
  });
  it('finds nothing behind the VIP without ready endpoints, or once CoreDNS stopped serving', async () => {
    expect(await world(false).dns.exchange('10.244.1.5', { ip: '10.96.0.10', port: 53 }, q)).toBeUndefined();
    const w = world(true);
    w.off();
    expect(await w.dns.exchange('10.244.1.5', { ip: '10.96.0.10', port: 53 }, q)).toBeUndefined();
    expect(await w.dns.exchange('10.244.1.5', { ip: '10.96.0.99', port: 53 }, q)).toBeUndefined();
  });
  it('asks the packet filter about the pod → CoreDNS pod hop on UDP 53', async () => {
    const w = world(true);
    const flows: string[] = [];
    w.dns.filter = {
      check: (f) => {
        flows.push(`${f.srcIP}->${f.dstIP}:${f.dstPort}/${f.protocol}`);
        return { allowed: f.srcIP !== '10.244.1.6' };
      },
    };
    expect(await w.dns.exchange('10.244.1.5', { ip: '10.96.0.10', port: 53 }, q)).toBeDefined();
    expect(await w.dns.exchange('10.244.1.6', { ip: '10.96.0.10', port: 53 }, q)).toBeUndefined();
    expect(flows).toEqual(['10.244.1.5->10.244.0.2:53/UDP', '10.244.1.6->10.244.0.2:53/UDP']);
  });
});
