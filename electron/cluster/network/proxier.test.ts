import { describe, it, expect } from 'vitest';
import type { KObject } from '../api/types';
import { MemInformer } from './test-helpers';
import { Proxier } from './proxier';
import { computeAllRules } from './rules';

const svc = (name: string, spec: any): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'ns' },
  spec: { ports: [{ port: 80, protocol: 'TCP' }], ...spec },
});
const slice = (name: string, eps: { ip: string; node: string; ready?: boolean; serving?: boolean; terminating?: boolean }[]): KObject =>
  ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${name}-x`, namespace: 'ns', labels: { 'kubernetes.io/service-name': name } },
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node,
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
    })),
  }) as any;

function setup(random = () => 0) {
  const services = new MemInformer({ group: '', version: 'v1', resource: 'services' });
  const slices = new MemInformer({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' });
  let now = 1_000_000;
  const p = new Proxier({
    services,
    slices,
    nodeOfNodeIP: (ip) => (({ '172.18.0.2': 'cp', '172.18.0.3': 'w1' }) as Record<string, string>)[ip],
    random,
    now: () => now,
  });
  return {
    services,
    slices,
    p,
    tick: (ms: number) => {
      now += ms;
    },
  };
}
const pod = (ip: string, node: string) => ({ ip, node, internal: true });
const dst = (ip: string, port = 80) => ({ ip, port, protocol: 'TCP' as const });

describe('simulated kube-proxy', () => {
  it('follows endpoint changes and REJECTs a Service without endpoints', () => {
    const { services, slices, p } = setup();
    services.put(svc('web', { clusterIP: '10.96.5.5' }));
    expect(p.translate(dst('10.96.5.5'), pod('10.244.1.9', 'w1')).action).toBe('reject');
    slices.put(slice('web', [{ ip: '10.244.1.2', node: 'w1' }]));
    expect(p.translate(dst('10.96.5.5'), pod('10.244.1.9', 'w1'))).toMatchObject({ action: 'dnat', endpoint: { ip: '10.244.1.2', port: 8080 } });
    expect(p.translate(dst('10.96.5.5', 81), pod('10.244.1.9', 'w1')).action).toBe('none');
  });

  it('lets only loadBalancerSourceRanges reach a load balancer address, and leaves the ClusterIP open', () => {
    const { services, slices, p } = setup();
    services.put({
      ...svc('lb', { type: 'LoadBalancer', clusterIP: '10.96.5.6', loadBalancerSourceRanges: ['172.18.0.0/30', ' 10.244.2.0/24'] }),
      status: { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } },
    });
    slices.put(slice('lb', [{ ip: '10.244.1.2', node: 'w1' }]));
    // the host (172.18.0.1) and pods of 10.244.2.0/24 are listed; a pod of 10.244.1.0/24 is not
    expect(p.translate(dst('172.18.255.200'), { ip: '172.18.0.1', internal: false }).action).toBe('dnat');
    expect(p.translate(dst('172.18.255.200'), pod('10.244.2.4', 'w2')).action).toBe('dnat');
    expect(p.translate(dst('172.18.255.200'), pod('10.244.1.9', 'w1'))).toMatchObject({ action: 'drop', firewall: true });
    expect(p.translate(dst('10.96.5.6'), pod('10.244.1.9', 'w1')).action).toBe('dnat');
  });

  it('falls back to serving terminating endpoints only when none is ready', () => {
    const { services, slices, p } = setup();
    services.put(svc('web', { clusterIP: '10.96.5.5' }));
    slices.put(
      slice('web', [
        { ip: '10.244.1.2', node: 'w1', ready: false, serving: true, terminating: true },
        { ip: '10.244.1.3', node: 'w1', ready: false, serving: false },
      ]),
    );
    expect(p.translate(dst('10.96.5.5'), pod('10.244.1.9', 'w1'))).toMatchObject({ action: 'dnat', endpoint: { ip: '10.244.1.2' } });
  });

  it('keeps external traffic on the entry node with externalTrafficPolicy Local, but not traffic from pods', () => {
    const { services, slices, p } = setup();
    services.put(
      svc('np', { type: 'NodePort', clusterIP: '10.96.5.6', externalTrafficPolicy: 'Local', ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }] }),
    );
    slices.put(slice('np', [{ ip: '10.244.1.2', node: 'w1' }]));
    const outside = { ip: '172.18.0.1', internal: false };
    expect(p.translate(dst('172.18.0.2', 30001), outside).action).toBe('drop');
    expect(p.translate(dst('172.18.0.3', 30001), outside)).toMatchObject({ action: 'dnat', masquerade: false });
    expect(p.translate(dst('172.18.0.2', 30001), pod('10.244.0.5', 'cp'))).toMatchObject({ action: 'dnat', endpoint: { ip: '10.244.1.2' } });
  });

  it('masquerades NodePort traffic under the Cluster policy', () => {
    const { services, slices, p } = setup();
    services.put(svc('np', { type: 'NodePort', clusterIP: '10.96.5.6', ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }] }));
    slices.put(slice('np', [{ ip: '10.244.1.2', node: 'w1' }]));
    expect(p.translate(dst('172.18.0.2', 30001), { ip: '172.18.0.1', internal: false })).toMatchObject({ action: 'dnat', masquerade: true });
  });

  it('keeps ClientIP affinity until the timeout passes without traffic', () => {
    let r = 0;
    const { services, slices, p, tick } = setup(() => r);
    services.put(svc('s', { clusterIP: '10.96.5.7', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } }));
    slices.put(
      slice('s', [
        { ip: '10.244.1.2', node: 'w1' },
        { ip: '10.244.1.3', node: 'w1' },
      ]),
    );
    const first = p.translate(dst('10.96.5.7'), pod('10.244.2.2', 'w2'));
    r = 0.99;
    tick(9_000);
    expect(p.translate(dst('10.96.5.7'), pod('10.244.2.2', 'w2'))).toEqual(first);
    tick(11_000);
    expect(p.translate(dst('10.96.5.7'), pod('10.244.2.2', 'w2'))).toMatchObject({ endpoint: { ip: '10.244.1.3' } });
  });

  it('gives headless and ExternalName Services no rules', () => {
    const rules = computeAllRules(
      [svc('h', { clusterIP: 'None' }), svc('e', { type: 'ExternalName', externalName: 'example.com' })],
      [slice('h', [{ ip: '10.244.1.2', node: 'w1' }])],
    );
    expect(rules.filter((x) => x.clusterIP)).toEqual([]);
  });
});
