import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { services } from './services';

const ctx = { operation: 'create' as const, now: new Date() };
const svc = (spec: any): KObject => {
  const s: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec };
  services.defaults!(s);
  return s;
};
const msgs = (s: KObject) => services.validate!(s, ctx).map((e) => errInvalid('', 'Service', 's', [e]).message.replace('Service "s" is invalid: ', ''));

describe('service defaults', () => {
  it('fills type, affinity, protocol, targetPort and traffic policy', () => {
    const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'x', port: 81, targetPort: 'http' }] });
    expect(s.spec).toEqual({
      selector: { app: 'web' },
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { name: 'x', port: 81, targetPort: 'http', protocol: 'TCP' },
      ],
    });
    const np = svc({ type: 'NodePort', ports: [{ port: 80 }] });
    expect(np.spec.externalTrafficPolicy).toBe('Cluster');
    const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }] });
    expect(lb.spec.allocateLoadBalancerNodePorts).toBe(true);
  });
});

describe('service validation', () => {
  it('port out of range', () => {
    const s = svc({ ports: [{ port: 70000 }] });
    expect(msgs(s)).toContain('spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive');
  });
  it('ports required unless headless', () => {
    expect(errInvalid('', 'Service', 's', services.validate!(svc({}), ctx)).message).toBe('Service "s" is invalid: spec.ports: Required value');
    expect(services.validate!(svc({ clusterIP: 'None' }), ctx)).toEqual([]);
  });
  it('type enum, nodePort on ClusterIP, names for multiple ports', () => {
    expect(msgs(svc({ type: 'Public', ports: [{ port: 80 }] }))).toContain(
      'spec.type: Unsupported value: "Public": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
    expect(msgs(svc({ ports: [{ port: 80, nodePort: 30080 }] }))).toContain("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
    expect(msgs(svc({ ports: [{ port: 80 }, { port: 81 }] }))).toEqual(['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']);
  });
  it('loadBalancerSourceRanges: CIDRs (space padding tolerated), only on LoadBalancer Services', () => {
    expect(msgs(svc({ type: 'LoadBalancer', ports: [{ port: 80 }], loadBalancerSourceRanges: [' 10.0.0.0/8', '192.168.1.0/24'] }))).toEqual([]);
    expect(msgs(svc({ type: 'LoadBalancer', ports: [{ port: 80 }], loadBalancerSourceRanges: ['10.0.0.0/8', '10.1.2.3'] }))).toEqual([
      'spec.LoadBalancerSourceRanges[1]: Invalid value: "10.1.2.3": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
    expect(msgs(svc({ ports: [{ port: 80 }], loadBalancerSourceRanges: ['10.0.0.0/8'] }))).toEqual([
      "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ]);
  });
  it('selector labels and name format', () => {
    expect(msgs(svc({ ports: [{ port: 80 }], selector: { app: 'bad value' } }))[0]).toMatch(
      /^spec.selector: Invalid value: "bad value": a valid label must be/,
    );
    const nameFn = services.nameValidation as (n: string) => string[];
    expect(nameFn('1web')[0]).toMatch(/^a DNS-1035 label/);
  });
});

describe('service updates', () => {
  it('keep allocated cluster IP and node ports when a manifest is re-applied', () => {
    const old = svc({ type: 'NodePort', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, nodePort: 30080 }] });
    const upd = svc({ type: 'NodePort', ports: [{ port: 80 }] });
    upd.metadata = { ...old.metadata };
    services.prepareForUpdate!(upd, old);
    expect(upd.spec.clusterIP).toBe('10.96.0.20');
    expect(upd.spec.ports[0].nodePort).toBe(30080);
    expect(services.validateUpdate!(upd, old, { ...ctx, operation: 'update' })).toEqual([]);
  });
  it('cluster IP may not change', () => {
    const old = svc({ clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ port: 80 }] });
    const upd = svc({ clusterIP: '10.96.0.21', clusterIPs: ['10.96.0.21'], ports: [{ port: 80 }] });
    const errs = services.validateUpdate!(upd, old, { ...ctx, operation: 'update' });
    expect(errInvalid('', 'Service', 's', errs).message).toBe(
      'Service "s" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.21": may not change once set',
    );
  });
  it('a type change drops the fields of the old type the client left as they were', () => {
    const old = svc({
      type: 'LoadBalancer',
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 31999,
      ports: [{ port: 80, nodePort: 30080 }],
    });
    const upd = svc({ ...structuredClone(old.spec), type: 'ClusterIP' });
    upd.metadata = { ...old.metadata };
    services.prepareForUpdate!(upd, old);
    expect(upd.spec.ports[0].nodePort).toBeUndefined();
    expect(upd.spec.externalTrafficPolicy).toBeUndefined();
    expect(upd.spec.healthCheckNodePort).toBeUndefined();
    expect(upd.spec.allocateLoadBalancerNodePorts).toBeUndefined();
    expect(services.validate!(upd, ctx)).toEqual([]);
    // a node port the client changed on purpose stays, and validation says why it cannot
    const np = svc({ type: 'NodePort', clusterIP: '10.96.0.21', clusterIPs: ['10.96.0.21'], ports: [{ port: 80, nodePort: 30081 }] });
    const upd2 = svc({ ...structuredClone(np.spec), type: 'ClusterIP', ports: [{ port: 80, nodePort: 30082 }] });
    services.prepareForUpdate!(upd2, np);
    expect(msgs(upd2)).toContain("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
  });
});
