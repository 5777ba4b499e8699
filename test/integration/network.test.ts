// The cluster network seen through kubectl: pod IPs from the nodes' pod CIDRs, Services load-balanced by the
// simulated kube-proxy (ClusterIP, NodePort, LoadBalancer, named targetPort, affinity, traffic policies, no
// endpoints), hostNetwork and hostPort, NodePorts on the host's loopback, the packet filter seam, and upstream's
// Service allocation errors.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as http from 'node:http';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('network: skipped — no kubectl found (set KUBECTL or install kubectl)');

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [netexec, --http-port=8080]
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: http, nodePort: 31080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: empty}
spec:
  selector: {app: nobody}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: cpclient}
spec:
  nodeName: kubelab-control-plane
  containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  hostNetwork: true
  nodeName: kubelab-worker
  containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: hostport}
spec:
  nodeName: kubelab-worker2
  containers:
  - name: c
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: [netexec, --http-port=8080]
    ports: [{containerPort: 8080, hostPort: 8081}]
`;

describe.skipIf(!kubectl)('cluster network with kubectl', () => {
  let tc: TestCluster;
  const logs: string[] = [];
  const k = (...args: string[]) => tc.kubectl(['-n', 'net', ...args]);
  const out = async (...args: string[]) => (await k(...args)).stdout.trim();
  const jp = (what: string, path: string) => out('get', what, '-o', `jsonpath=${path}`);
  const wget = (url: string, timeout = 2) => k('exec', 'client', '--', 'wget', '-qO-', '-T', String(timeout), url);
  const nodeIP = async (name: string) =>
    (await tc.kubectl(['get', 'node', name, '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}'])).stdout;

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 3, log: (l) => logs.push(l) });
    await tc.kubectl(['create', 'namespace', 'net']);
    const r = await tc.kubectl(['-n', 'net', 'apply', '-f', '-'], { input: MANIFESTS });
    if (r.code !== 0) throw new Error(r.stderr);
    await waitFor(async () => (await out('get', 'pods', '--no-headers')).split('\n').filter((l) => /1\/1\s+Running/.test(l)).length === 7, {
      what: 'pods running',
      timeoutMs: 60_000,
    });
    await waitFor(
      async () =>
        (await jp('endpointslices', '{.items[?(@.metadata.labels.kubernetes\\.io/service-name=="web")].endpoints[*].addresses[*]}')).split(' ').filter(Boolean)
          .length === 3,
      { what: 'web endpoints', timeoutMs: 30_000 },
    );
  }, 120_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it("gives each node a /24 of 10.244.0.0/16 and pods addresses from their node's range; CNI ADD shows in the kubelet log", async () => {
    const cidrs = (await tc.kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.podCIDR}{"\\n"}{end}'])).stdout
      .trim()
      .split('\n');
    expect(cidrs).toEqual(['kubelab-control-plane=10.244.0.0/24', 'kubelab-worker=10.244.1.0/24', 'kubelab-worker2=10.244.2.0/24']);
    const pods = (await out('get', 'pods', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.status.podIP} {.spec.hostNetwork}{"\\n"}{end}')).split('\n');
    for (const line of pods) {
      const [node, ip, hostNet] = line.split(' ');
      if (hostNet === 'true') expect(ip).toBe(await nodeIP(node));
      else expect(ip).toMatch(new RegExp(`^10\\.244\\.${node === 'kubelab-worker' ? 1 : node === 'kubelab-worker2' ? 2 : 0}\\.\\d+$`));
    }
    const clientIP = await jp('pod/client', '{.status.podIP}');
    expect(logs.some((l) => l.includes('CNI ADD pod net/client') && l.includes(`eth0 ${clientIP}/24`))).toBe(true);
    expect((await k('exec', 'client', '--', 'ip', 'addr')).stdout).toContain(`inet ${clientIP}/24`);
  }, 60_000);

  it('load-balances a ClusterIP over the ready endpoints through a named targetPort', async () => {
    const ip = await jp('svc/web', '{.spec.clusterIP}');
    expect(ip).toMatch(/^10\.96\./);
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await wget(`http://${ip}/hostname`);
      expect(r.code).toBe(0);
      seen.add(r.stdout);
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
    for (const h of seen) expect(h).toMatch(/^web-/);
  }, 60_000);

  it('keeps a client on one endpoint with ClientIP affinity', async () => {
    const ip = await jp('svc/sticky', '{.spec.clusterIP}');
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await wget(`http://${ip}/hostname`)).stdout);
    expect(seen.size).toBe(1);
  }, 60_000);

  it("refuses connections to a Service without endpoints, as kube-proxy's REJECT rule does", async () => {
    const vip = await jp('svc/empty', '{.spec.clusterIP}');
    const r = await wget(`http://${vip}/`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`can't connect to remote host (${vip}): Connection refused`);
  }, 30_000);

  it("answers a NodePort on every node IP, from pods and from the host's loopback", async () => {
    for (const n of ['kubelab-control-plane', 'kubelab-worker', 'kubelab-worker2']) {
      const r = await wget(`http://${await nodeIP(n)}:31080/hostname`);
      expect(r.stdout).toMatch(/^web-/);
    }
    const published = tc.cluster.nodes.clusterNetwork!.hostAccess!;
    await waitFor(() => published.published().some((p) => p.nodePort === 31080), { what: 'NodePort published on loopback' });
    const port = published.published().find((p) => p.nodePort === 31080)!.hostPort;
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/hostname' }, (res) => {
          let b = '';
          res.on('data', (c) => (b += c));
          res.on('end', () => resolve(b));
        })
        .on('error', reject);
    });
    expect(body).toMatch(/^web-/);
  }, 60_000);

  it('gives a LoadBalancer Service an address from the local pool that pods can reach', async () => {
    const lb = await waitFor(async () => jp('svc/web-lb', '{.status.loadBalancer.ingress[0].ip}'), { what: 'LB address' });
    expect(lb).toMatch(/^172\.18\.255\.2\d\d$/);
    expect(await out('get', 'svc', 'web-lb')).toContain(lb);
    expect((await wget(`http://${lb}/hostname`)).stdout).toMatch(/^web-/);
  }, 30_000);

  it('drops traffic with internalTrafficPolicy Local on a node without endpoints (a timeout, not a refusal)', async () => {
    // the web pods run on the workers (the control plane is tainted); cpclient runs on the control plane
    expect((await k('patch', 'svc', 'web', '-p', '{"spec":{"internalTrafficPolicy":"Local"}}')).code).toBe(0);
    const url = `http://${await jp('svc/web', '{.spec.clusterIP}')}/hostname`;
    await waitFor(async () => (await k('exec', 'cpclient', '--', 'wget', '-qO-', '-T', '1', url)).stderr.includes('download timed out'), {
      what: 'local policy in effect',
      timeoutMs: 15_000,
    });
    // a client beside an endpoint is served by a local one
    const clientNode = await jp('pod/client', '{.spec.nodeName}');
    const hostnames = (await out('get', 'pods', '-l', 'app=web', '-o', `jsonpath={.items[?(@.spec.nodeName=="${clientNode}")].metadata.name}`))
      .split(' ')
      .filter(Boolean);
    if (hostnames.length) expect(hostnames).toContain((await wget(url)).stdout);
    await k('patch', 'svc', 'web', '-p', '{"spec":{"internalTrafficPolicy":"Cluster"}}');
    await waitFor(async () => (await k('exec', 'cpclient', '--', 'wget', '-qO-', '-T', '1', url)).code === 0, {
      what: 'cluster policy back',
      timeoutMs: 15_000,
    });
  }, 60_000);

  it('serves hostNetwork pods on the node IP and maps a hostPort to its pod', async () => {
    const ip = await nodeIP('kubelab-worker');
    expect(await jp('pod/hostnet', '{.status.podIP}')).toBe(ip);
    expect((await k('exec', 'hostnet', '--', 'ip', 'addr')).stdout).toContain(`inet ${ip}/16 brd 172.18.255.255 scope global eth0`);
    const r = await wget(`http://${await nodeIP('kubelab-worker2')}:8081/hostname`);
    expect(r.stdout).toBe('hostport');
  }, 30_000);

  it('asks the packet filter about the pod-to-pod hop after Service translation; a denied flow times out', async () => {
    const net = tc.cluster.nodes.clusterNetwork!.network;
    const flows: string[] = [];
    net.setPacketFilter({
      check: (f) => {
        flows.push(`${f.dstIP}:${f.dstPort}`);
        return { allowed: false, reason: 'test' };
      },
    });
    try {
      const r = await wget(`http://${await jp('svc/web', '{.spec.clusterIP}')}/hostname`, 1);
      expect(r.stderr).toContain('download timed out');
      expect(flows.some((f) => /^10\.244\.\d+\.\d+:8080$/.test(f))).toBe(true);
    } finally {
      net.setPacketFilter(undefined);
    }
  }, 30_000);

  it('keeps the CNI config and host-local reservations on the node, where a hostPath pod reads them; DEL releases', async () => {
    const reader = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'cni-reader' },
      spec: {
        nodeName: 'kubelab-worker',
        volumes: [
          { name: 'cni', hostPath: { path: '/etc/cni/net.d' } },
          { name: 'ipam', hostPath: { path: '/var/lib/cni/networks' } },
        ],
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: ['sleep', '3600'],
            volumeMounts: [
              { name: 'cni', mountPath: '/cni' },
              { name: 'ipam', mountPath: '/ipam' },
            ],
          },
        ],
      },
    };
    const victim = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'victim' },
      spec: { nodeName: 'kubelab-worker', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
    };
    expect(
      (await tc.kubectl(['-n', 'net', 'apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [reader, victim] }) })).code,
    ).toBe(0);
    await waitFor(async () => (await jp('pod/cni-reader', '{.status.phase}')) === 'Running' && (await jp('pod/victim', '{.status.phase}')) === 'Running', {
      what: 'reader and victim running',
      timeoutMs: 30_000,
    });
    const conf = JSON.parse((await k('exec', 'cni-reader', '--', 'cat', '/cni/10-kubelab.conflist')).stdout);
    expect(conf.plugins.map((p: any) => p.type)).toEqual(['bridge', 'portmap']);
    expect(conf.plugins[0].ipam.ranges[0][0].subnet).toBe('10.244.1.0/24');
    const victimIP = await jp('pod/victim', '{.status.podIP}');
    const ls = async () => (await k('exec', 'cni-reader', '--', 'ls', '/ipam/kubelab')).stdout.split(/\s+/);
    await waitFor(async () => (await ls()).includes(victimIP), { what: 'reservation file for the victim' });
    expect((await k('exec', 'cni-reader', '--', 'cat', `/ipam/kubelab/${victimIP}`)).stdout).toMatch(/^[0-9a-f]{64}\r\neth0$/);
    await k('delete', 'pod', 'victim', '--grace-period=0', '--force');
    await waitFor(async () => !(await ls()).includes(victimIP), { what: 'reservation released on DEL', timeoutMs: 20_000 });
    expect(logs.some((l) => l.includes('CNI DEL pod net/victim'))).toBe(true);
  }, 60_000);

  it("rejects Services with upstream's allocation errors", async () => {
    const create = (...a: string[]) => k('create', 'service', ...a);
    expect((await create('clusterip', 'x1', '--tcp=80:80', '--clusterip=10.97.0.5')).stderr).toContain(
      'spec.clusterIPs: Invalid value: []string{"10.97.0.5"}: failed to allocate IP 10.97.0.5: the provided IP (10.97.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/16',
    );
    const taken = await jp('svc/web', '{.spec.clusterIP}');
    expect((await create('clusterip', 'x2', '--tcp=80:80', `--clusterip=${taken}`)).stderr).toContain(
      `failed to allocate IP ${taken}: provided IP is already allocated`,
    );
    expect((await create('nodeport', 'x3', '--tcp=80:80', '--node-port=31080')).stderr).toContain(
      'spec.ports[0].nodePort: Invalid value: 31080: provided port is already allocated',
    );
    expect((await create('nodeport', 'x4', '--tcp=80:80', '--node-port=40000')).stderr).toContain(
      'provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    // the lower band of the range stays free for static addresses such as kube-dns's 10.96.0.10
    expect((await create('clusterip', 'x5', '--tcp=53:53', '--clusterip=10.96.0.11')).code).toBe(0);
  }, 30_000);

  it('allocates node ports as upstream: none for a LoadBalancer that opts out, a health check port for Local, released on change', async () => {
    const apply = (o: object) => tc.kubectl(['-n', 'net', 'apply', '-f', '-'], { input: JSON.stringify(o) });
    const svc = (name: string, spec: object) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
    });
    expect((await apply(svc('lb-noports', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }))).code).toBe(0);
    expect(await jp('svc/lb-noports', '{.spec.ports[0].nodePort}')).toBe('');
    expect((await apply(svc('lb-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }))).code).toBe(0);
    expect(Number(await jp('svc/lb-local', '{.spec.healthCheckNodePort}'))).toBeGreaterThanOrEqual(30000);
    expect((await apply(svc('np-move', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 31500 }] }))).code).toBe(0);
    expect((await apply(svc('np-move', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 31501 }] }))).code).toBe(0);
    const r = await apply(svc('np-take', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 31500 }] }));
    expect(r.stderr).toBe('');
  }, 30_000);

  it('shows the Service rules on a node as iptables-save, or as ipvsadm once the kube-proxy ConfigMap selects ipvs', async () => {
    const component = tc.cluster.nodes.clusterNetwork!;
    const ip = await jp('svc/web', '{.spec.clusterIP}');
    expect(component.proxyMode()).toBe('iptables');
    expect(component.views('kubelab-worker').iptablesSave()).toContain(
      `-A KUBE-SERVICES -d ${ip}/32 -p tcp -m comment --comment "net/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-`,
    );
    const conf = (await tc.kubectl(['-n', 'kube-system', 'get', 'cm', 'kube-proxy', '-o', 'jsonpath={.data.config\\.conf}'])).stdout;
    expect(conf).toContain('mode: iptables');
    const patched = conf.replace('mode: iptables', 'mode: ipvs');
    expect(
      (await tc.kubectl(['-n', 'kube-system', 'patch', 'cm', 'kube-proxy', '--type=merge', '-p', JSON.stringify({ data: { 'config.conf': patched } })])).code,
    ).toBe(0);
    await waitFor(() => component.proxyMode() === 'ipvs', { what: 'ipvs mode' });
    expect(component.views('kubelab-worker').ipvsadm()).toContain(`TCP  ${ip}:80 rr`);
    expect(component.views('kubelab-worker').ipRoute()).toContain('10.244.2.0/24 via 172.18.0.4 dev eth0');
  }, 30_000);
});
