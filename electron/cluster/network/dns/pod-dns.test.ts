import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { podDnsSettings } from './pod-dns';

const pod = (spec: any, ns = 'shop'): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns }, spec });
const CLUSTER = { servers: ['10.96.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] };
const NODE = { servers: ['172.18.0.1'], searches: [], options: [] };

describe("a pod's resolv.conf from dnsPolicy", () => {
  it('ClusterFirst (the default): cluster DNS, the namespace search path, ndots:5', () => {
    expect(podDnsSettings(pod({}))).toEqual(CLUSTER);
  });
  it("hostNetwork with ClusterFirst falls back to the node's; ClusterFirstWithHostNet keeps cluster DNS", () => {
    expect(podDnsSettings(pod({ hostNetwork: true }))).toEqual(NODE);
    expect(podDnsSettings(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }))).toEqual(CLUSTER);
    expect(podDnsSettings(pod({ dnsPolicy: 'Default' }))).toEqual(NODE);
  });
  it('None uses dnsConfig alone; dnsConfig merges into the others (appended, deduplicated, options overriding)', () => {
    expect(
      podDnsSettings(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['corp'], options: [{ name: 'ndots', value: '1' }] } })),
    ).toEqual({ servers: ['1.1.1.1'], searches: ['corp'], options: ['ndots:1'] });
    expect(
      podDnsSettings(
        pod({
          dnsConfig: {
            nameservers: ['10.96.0.10', '8.8.8.8'],
            searches: ['corp', 'svc.cluster.local'],
            options: [{ name: 'ndots', value: '2' }, { name: 'single-request-reopen' }],
          },
        }),
      ),
    ).toEqual({ servers: ['10.96.0.10', '8.8.8.8'], searches: [...CLUSTER.searches, 'corp'], options: ['ndots:2', 'single-request-reopen'] });
  });
});
