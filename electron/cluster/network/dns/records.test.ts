import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { loadCorefile } from './config';
import { CoreDnsServer, type UpstreamNet } from './coredns';
import type { ClusterView } from './kubernetes-records';
import { DEFAULT_COREFILE } from './manifests';
import type { Question, Reply } from './message';

function view(objs: { services?: KObject[]; slices?: KObject[]; namespaces?: string[]; pods?: { ns: string; ip: string }[] }): ClusterView {
  return {
    service: (ns, name) => objs.services?.find((s) => s.metadata.namespace === ns && s.metadata.name === name),
    services: () => objs.services ?? [],
    namespaceExists: (ns) => (objs.namespaces ?? ['default', 'kube-system']).includes(ns),
    endpointSlices: (ns, svc) => (objs.slices ?? []).filter((s) => s.metadata.namespace === ns && s.metadata.labels?.['kubernetes.io/service-name'] === svc),
    podWithIP: (ns, ip) => !!objs.pods?.some((p) => p.ns === ns && p.ip === ip),
    serial: () => 1,
  };
}

const svc = (name: string, spec: any, ns = 'default'): KObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec });
const slice = (svcName: string, endpoints: any[], ports: any[], ns = 'default'): KObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${svcName}-abc`, namespace: ns, labels: { 'kubernetes.io/service-name': svcName } },
  addressType: 'IPv4',
  endpoints,
  ports,
});

const CLUSTER = view({
  services: [
    svc('web', { clusterIP: '10.96.5.5', clusterIPs: ['10.96.5.5'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    svc('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }),
    svc('empty', { clusterIP: 'None', ports: [{ port: 80 }] }),
    svc('ext', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
    svc('kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }, 'kube-system'),
  ],
  slices: [
    slice('web', [{ addresses: ['10.244.1.2'], conditions: { ready: true } }], [{ name: 'http', port: 8080, protocol: 'TCP' }]),
    slice(
      'db',
      [
        { addresses: ['10.244.1.7'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.244.2.8'], hostname: 'db-1', conditions: { ready: true } },
        { addresses: ['10.244.2.9'], hostname: 'db-2', conditions: { ready: false } },
      ],
      [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    ),
  ],
});

const offline: UpstreamNet = { exchange: async () => undefined, resolvConf: () => ['172.18.0.1'], sleep: async () => undefined };

function server(corefile = DEFAULT_COREFILE, v = CLUSTER, net = offline, log: string[] = []) {
  const s = new CoreDnsServer(loadCorefile(corefile), v, '10.244.0.2', net, (l) => log.push(l));
  return (name: string, type: Question['type'] = 'A') => s.handle({ name, type }, { ip: '10.244.1.3', port: 40000, proto: 'udp' });
}
const data = (r: Reply) =>
  r.answer.map((a) =>
    typeof a.data === 'string'
      ? `${a.type} ${a.data}`
      : `${a.type} ${'port' in a.data ? `${a.data.priority} ${a.data.weight} ${a.data.port} ${a.data.target}` : ''}`,
  );

describe('the kubernetes plugin (Kubernetes DNS specification)', () => {
  const ask = server();
  it('answers a ClusterIP Service with its cluster IP, authoritatively, with the configured TTL', async () => {
    const r = await ask('web.default.svc.cluster.local');
    expect(r.rcode).toBe('NOERROR');
    expect(r.authoritative).toBe(true);
    expect(data(r)).toEqual(['A 10.96.5.5']);
    expect(r.answer[0].ttl).toBe(30);
  });
  it('answers a headless Service with its ready endpoints only, and each endpoint by hostname', async () => {
    expect(data(await ask('db.default.svc.cluster.local')).sort()).toEqual(['A 10.244.1.7', 'A 10.244.2.8']);
    expect(data(await ask('db-1.db.default.svc.cluster.local'))).toEqual(['A 10.244.2.8']);
    expect((await ask('db-2.db.default.svc.cluster.local')).rcode).toBe('NXDOMAIN');
    expect((await ask('empty.default.svc.cluster.local')).rcode).toBe('NXDOMAIN');
  });
  it('gives SRV records for named ports: the Service name for ClusterIP, each endpoint for headless', async () => {
    expect(data(await ask('_http._tcp.web.default.svc.cluster.local', 'SRV'))).toEqual(['SRV 0 100 80 web.default.svc.cluster.local.']);
    const r = await ask('_pg._tcp.db.default.svc.cluster.local', 'SRV');
    expect(data(r).sort()).toEqual(['SRV 0 50 5432 db-0.db.default.svc.cluster.local.', 'SRV 0 50 5432 db-1.db.default.svc.cluster.local.']);
    expect(r.additional.map((a) => `${a.name} ${a.data}`).sort()).toEqual([
      'db-0.db.default.svc.cluster.local. 10.244.1.7',
      'db-1.db.default.svc.cluster.local. 10.244.2.8',
    ]);
    expect((await ask('_nope._tcp.web.default.svc.cluster.local', 'SRV')).rcode).toBe('NXDOMAIN');
  });
  it('answers ExternalName with a CNAME followed by the target records', async () => {
    expect(data(await ask('ext.default.svc.cluster.local'))).toEqual(['CNAME web.default.svc.cluster.local.', 'A 10.96.5.5']);
  });
  it('answers pod A records from the dashed IP (pods insecure), and NXDOMAIN / NODATA as the spec says', async () => {
    expect(data(await ask('10-244-1-9.default.pod.cluster.local'))).toEqual(['A 10.244.1.9']);
    expect((await ask('nope.default.svc.cluster.local')).rcode).toBe('NXDOMAIN');
    expect((await ask('web.nosuchns.svc.cluster.local')).rcode).toBe('NXDOMAIN');
    const nodata = await ask('web.default.svc.cluster.local', 'AAAA');
    expect([nodata.rcode, nodata.answer.length, nodata.authority[0]?.type]).toEqual(['NOERROR', 0, 'SOA']);
    expect((await ask('default.svc.cluster.local')).rcode).toBe('NOERROR');
  });
  it('verifies pod records against the pods with `pods verified`', async () => {
    const v = view({ pods: [{ ns: 'default', ip: '10.244.1.9' }] });
    const ask2 = server(DEFAULT_COREFILE.replace('pods insecure', 'pods verified'), v);
    expect(data(await ask2('10-244-1-9.default.pod.cluster.local'))).toEqual(['A 10.244.1.9']);
    expect((await ask2('10-244-1-10.default.pod.cluster.local')).rcode).toBe('NXDOMAIN');
  });
  it('answers PTR for Service IPs and headless endpoints; other addresses fall through to forward', async () => {
    expect(data(await ask('10.0.96.10.in-addr.arpa', 'PTR'))).toEqual(['PTR kube-dns.kube-system.svc.cluster.local.']);
    expect(data(await ask('7.1.244.10.in-addr.arpa', 'PTR'))).toEqual(['PTR db-0.db.default.svc.cluster.local.']);
    expect((await ask('1.1.1.1.in-addr.arpa', 'PTR')).rcode).toBe('SERVFAIL');
  });
});

describe('the plugin chain', () => {
  it('forwards names outside the cluster zone; an unreachable upstream gives SERVFAIL and an error line', async () => {
    const log: string[] = [];
    const r = await server(DEFAULT_COREFILE, CLUSTER, offline, log)('example.com');
    expect(r.rcode).toBe('SERVFAIL');
    expect(log.join('\n')).toMatch(/^\[ERROR\] plugin\/errors: 2 example\.com\. A: read udp 10\.244\.0\.2:\d+->172\.18\.0\.1:53: i\/o timeout$/);
  });
  it('forwards to a reachable upstream and marks the answer non-authoritative', async () => {
    const net: UpstreamNet = {
      ...offline,
      exchange: async (to, q) =>
        to.ip === '10.0.0.53'
          ? {
              rcode: 'NOERROR',
              authoritative: true,
              recursionAvailable: false,
              question: q,
              answer: [{ name: q.name, type: 'A', ttl: 60, data: '192.0.2.1' }],
              authority: [],
              additional: [],
            }
          : undefined,
    };
    const r = await server(DEFAULT_COREFILE.replace('forward . /etc/resolv.conf', 'forward . 10.0.0.53'), CLUSTER, net)('corp.example.');
    expect([r.rcode, r.authoritative, data(r)]).toEqual(['NOERROR', false, ['A 192.0.2.1']]);
  });
  it('hosts answers its entries and, without fallthrough, fails every other name — before kubernetes sees it', async () => {
    const withHosts = (ft: string) => DEFAULT_COREFILE.replace('    ready\n', `    ready\n    hosts {\n      1.2.3.4 db.example.com\n      ${ft}\n    }\n`);
    expect(data(await server(withHosts('fallthrough'))('db.example.com'))).toEqual(['A 1.2.3.4']);
    expect(data(await server(withHosts('fallthrough'))('web.default.svc.cluster.local'))).toEqual(['A 10.96.5.5']);
    expect((await server(withHosts(''))('web.default.svc.cluster.local')).rcode).toBe('SERVFAIL');
  });
  it('rewrite name answers for the original name', async () => {
    const ask = server(DEFAULT_COREFILE.replace('    ready\n', '    ready\n    rewrite name shop.example.com web.default.svc.cluster.local\n'));
    const r = await ask('shop.example.com');
    expect(r.question.name).toBe('shop.example.com.');
    expect(r.answer.map((a) => `${a.name} ${a.data}`)).toEqual(['shop.example.com. 10.96.5.5']);
  });
  it('cache keeps answers outside the disabled cluster zone for their TTL', async () => {
    let calls = 0;
    const net: UpstreamNet = {
      ...offline,
      exchange: async (_to, q) => {
        calls++;
        return {
          rcode: 'NOERROR',
          authoritative: false,
          recursionAvailable: true,
          question: q,
          answer: [{ name: q.name, type: 'A', ttl: 60, data: '192.0.2.1' }],
          authority: [],
          additional: [],
        };
      },
    };
    const ask = server(DEFAULT_COREFILE.replace('forward . /etc/resolv.conf', 'forward . 10.0.0.53'), CLUSTER, net);
    await ask('a.example.');
    await ask('a.example.');
    expect(calls).toBe(1);
    const r = await ask('a.example.');
    expect(r.answer[0].ttl).toBeLessThanOrEqual(30);
  });
  it('refuses names no server block serves', async () => {
    const ask = server('cluster.local:53 {\n  kubernetes\n}\n');
    expect((await ask('web.default.svc.cluster.local')).rcode).toBe('NOERROR');
    expect((await ask('example.com')).rcode).toBe('REFUSED');
  });
});
