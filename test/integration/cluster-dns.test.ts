// Cluster DNS through kubectl, as a student meets it: the kube-dns add-on, a pod's resolv.conf, nslookup/dig
// answers for Services, headless Services, StatefulSet pods and ExternalName, Corefile edits taking effect through
// the reload plugin, a broken Corefile keeping the old one, and CoreDNS scaled to zero making lookups time out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../harness';

const hasKubectl = !!kubectlPath();
let tc: TestCluster;
const k = (args: string[], input?: string) => tc.kubectl(args, { input, timeoutMs: 60_000 });
const exec = async (pod: string, cmd: string[]) => {
  const r = await k(['exec', pod, '--', ...cmd]);
  return r.stdout + r.stderr;
};

async function setCorefile(corefile: string) {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: corefile } };
  const r = await k(['apply', '-f', '-'], JSON.stringify(cm));
  expect(r.stderr.replace(/Warning: .*\n/g, '')).toBe('');
}

describe.skipIf(!hasKubectl)('cluster DNS', () => {
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    const manifests = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }] } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'dnsutils' },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3', command: ['sleep', 'infinity'] }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'custom' },
        spec: {
          dnsPolicy: 'None',
          dnsConfig: { nameservers: ['1.1.1.1'], searches: ['corp.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
          containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }],
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'db' },
        spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db' },
        spec: {
          serviceName: 'db',
          replicas: 2,
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ name: 'pg', containerPort: 5432 }] }] },
          },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' } },
    ];
    const r = await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
    expect(r.code, r.stderr).toBe(0);
    await waitFor(async () => (await k(['wait', '--for=condition=Ready', 'pod', '--all', '--timeout=5s'])).code === 0, {
      timeoutMs: 90_000,
      what: 'pods ready',
    });
    await waitFor(async () => (await k(['-n', 'kube-system', 'get', 'deploy', 'coredns', '-o', 'jsonpath={.status.readyReplicas}'])).stdout === '2', {
      timeoutMs: 60_000,
      what: 'CoreDNS ready',
    });
  }, 180_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it('installs the add-on as kubeadm does: kube-dns on 10.96.0.10 backed by two coredns pods', async () => {
    const svc = JSON.parse((await k(['-n', 'kube-system', 'get', 'svc', 'kube-dns', '-o', 'json'])).stdout);
    expect(svc.spec.clusterIP).toBe('10.96.0.10');
    expect(svc.spec.ports.map((p: any) => `${p.name}/${p.port}/${p.protocol}`)).toEqual(['dns/53/UDP', 'dns-tcp/53/TCP', 'metrics/9153/TCP']);
    const pods = (await k(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '--no-headers'])).stdout.trim().split('\n');
    expect(pods).toHaveLength(2);
    expect(pods.every((l) => /1\/1\s+Running/.test(l))).toBe(true);
    expect((await k(['-n', 'kube-system', 'get', 'cm', 'coredns', '-o', 'jsonpath={.data.Corefile}'])).stdout).toContain(
      'kubernetes cluster.local in-addr.arpa ip6.arpa',
    );
    expect((await k(['auth', 'can-i', 'watch', 'endpointslices.discovery.k8s.io', '--as=system:serviceaccount:kube-system:coredns'])).stdout.trim()).toBe(
      'yes',
    );
    expect((await k(['-n', 'kube-system', 'logs', 'deploy/coredns'])).stdout).toMatch(
      /^\.:53\n\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}\nCoreDNS-1\.12\.0\n/,
    );
  });

  it('writes resolv.conf from dnsPolicy: ClusterFirst, and None with dnsConfig', async () => {
    expect(await exec('client', ['cat', '/etc/resolv.conf'])).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    expect(await exec('custom', ['cat', '/etc/resolv.conf'])).toBe('search corp.example\nnameserver 1.1.1.1\noptions ndots:2 edns0\n');
  });

  it('answers Services, headless Services, StatefulSet pods, SRV, ExternalName and reverse lookups', async () => {
    const webIP = (await k(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    const out = await exec('client', ['nslookup', 'web']);
    expect(out).toContain(`Name:\tweb.default.svc.cluster.local\nAddress: ${webIP}\n`);
    expect(out).toContain("** server can't find web.svc.cluster.local: NXDOMAIN");
    const dbIPs = (await k(['get', 'pods', '-l', 'app=db', '-o', 'jsonpath={.items[*].status.podIP}'])).stdout.split(' ');
    const headless = await exec('client', ['nslookup', 'db.default.svc.cluster.local']);
    for (const ip of dbIPs) expect(headless).toContain(`Address: ${ip}`);
    const db0 = (await k(['get', 'pod', 'db-0', '-o', 'jsonpath={.status.podIP}'])).stdout;
    expect(await exec('dnsutils', ['dig', '+short', 'db-0.db.default.svc.cluster.local'])).toBe(`${db0}\n`);
    expect((await exec('dnsutils', ['dig', '+short', '-t', 'SRV', '_pg._tcp.db.default.svc.cluster.local'])).split('\n').filter(Boolean).sort()).toEqual([
      '0 50 5432 db-0.db.default.svc.cluster.local.',
      '0 50 5432 db-1.db.default.svc.cluster.local.',
    ]);
    expect(await exec('dnsutils', ['host', 'ext'])).toBe(
      `ext.default.svc.cluster.local is an alias for web.default.svc.cluster.local.\nweb.default.svc.cluster.local has address ${webIP}\n`,
    );
    expect(await exec('dnsutils', ['dig', '+short', '-x', webIP])).toBe('web.default.svc.cluster.local.\n');
    const dashed = db0.replace(/\./g, '-');
    expect(await exec('dnsutils', ['dig', '+short', `${dashed}.default.pod.cluster.local`])).toBe(`${db0}\n`);
    expect(await exec('dnsutils', ['host', 'nosuch.default.svc.cluster.local.'])).toContain('Host nosuch.default.svc.cluster.local. not found: 3(NXDOMAIN)\n');
    // the last candidate of the search is the bare name, forwarded upstream, which an offline cluster cannot reach
    expect(await exec('dnsutils', ['host', 'nosuch'])).toContain('Host nosuch not found: 2(SERVFAIL)\n');
  });

  it('takes Corefile edits through the reload plugin and keeps the running config when the new one is broken', async () => {
    const original = (await k(['-n', 'kube-system', 'get', 'cm', 'coredns', '-o', 'jsonpath={.data.Corefile}'])).stdout;
    const withHosts = original.replace(
      '    ready\n',
      '    ready\n    hosts {\n       192.0.2.7 legacy.example.com\n       fallthrough\n    }\n    rewrite name shop.example.com web.default.svc.cluster.local\n',
    );
    await setCorefile(withHosts);
    await waitFor(async () => (await exec('dnsutils', ['dig', '+short', 'legacy.example.com'])) === '192.0.2.7\n', {
      timeoutMs: 30_000,
      what: 'the hosts entry served by both CoreDNS pods',
    });
    const webIP = (await k(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    await waitFor(async () => (await exec('dnsutils', ['dig', '+short', 'shop.example.com'])) === `${webIP}\n`, { timeoutMs: 30_000, what: 'the rewrite' });
    await setCorefile('.:53 {\n    errors\n    nonsense\n}\n');
    await waitFor(
      async () =>
        (await k(['-n', 'kube-system', 'logs', '-l', 'k8s-app=kube-dns'])).stdout.includes(
          "[ERROR] Restart failed: /etc/coredns/Corefile:3 - Error during parsing: Unknown directive 'nonsense'",
        ),
      { timeoutMs: 30_000, what: 'the reload error in the CoreDNS log' },
    );
    expect(await exec('dnsutils', ['dig', '+short', 'legacy.example.com'])).toBe('192.0.2.7\n');
    await setCorefile(original);
    await waitFor(async () => (await exec('dnsutils', ['dig', '+short', 'legacy.example.com', '+time=3', '+tries=1'])) !== '192.0.2.7\n', {
      timeoutMs: 30_000,
      what: 'the hosts entry gone',
    });
  }, 120_000);

  it('times lookups out when CoreDNS is scaled to zero, and answers again when it is back', async () => {
    expect((await k(['-n', 'kube-system', 'scale', 'deploy', 'coredns', '--replicas=0'])).code).toBe(0);
    await waitFor(
      async () =>
        (
          await k([
            'get',
            'endpointslices',
            '-n',
            'kube-system',
            '-l',
            'kubernetes.io/service-name=kube-dns',
            '-o',
            'jsonpath={.items[*].endpoints[*].addresses[*]}',
          ])
        ).stdout.trim() === '',
      { timeoutMs: 60_000, what: 'no kube-dns endpoints' },
    );
    const started = Date.now();
    expect(await exec('client', ['nslookup', 'web'])).toContain(';; connection timed out; no servers could be reached');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    // wget's -T bounds the connection, not the lookup: the resolver's own 5 s timeout ends in "bad address"
    expect(await exec('client', ['wget', '-qO-', '-T', '2', 'http://web'])).toContain("wget: bad address 'web'");
    expect((await k(['-n', 'kube-system', 'scale', 'deploy', 'coredns', '--replicas=2'])).code).toBe(0);
    await waitFor(async () => (await exec('client', ['nslookup', 'web.default.svc.cluster.local'])).includes('Name:\tweb.default.svc.cluster.local'), {
      timeoutMs: 60_000,
      what: 'DNS back',
    });
  }, 120_000);
});
