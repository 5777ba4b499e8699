// kube-proxy as kubeadm runs it: a DaemonSet in kube-system with a pod on every node in the host network, its log,
// `iptables-save`/`ipvsadm` inside it showing the node's rules, and a restart when the ConfigMap's mode changes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('kube-proxy: skipped — no kubectl found (set KUBECTL or install kubectl)');

describe.skipIf(!kubectl)('kube-proxy DaemonSet', () => {
  let tc: TestCluster;
  const k = (...a: string[]) => tc.kubectl(['-n', 'kube-system', ...a]);
  const proxyPods = async () => JSON.parse((await k('get', 'pods', '-l', 'k8s-app=kube-proxy', '-o', 'json')).stdout).items as any[];

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    await waitFor(async () => (await k('rollout', 'status', 'ds/kube-proxy', '--timeout=5s')).code === 0, { what: 'kube-proxy rolled out', timeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await tc?.stop();
  });

  it("runs one host-network pod per node, logging its proxy mode, with the node's rules inside", async () => {
    const pods = await proxyPods();
    const nodes = JSON.parse((await tc.kubectl(['get', 'nodes', '-o', 'json'])).stdout).items as any[];
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(nodes.map((n) => n.metadata.name).sort());
    for (const p of pods) {
      const node = nodes.find((n) => n.metadata.name === p.spec.nodeName);
      expect(p.status.podIP).toBe(node.status.addresses.find((a: any) => a.type === 'InternalIP').address);
    }
    const name = pods[0].metadata.name;
    await waitFor(async () => (await k('logs', name)).stdout.includes('"Using iptables proxy mode"'), { what: 'kube-proxy start-up log' });
    // kube-dns's rule jumps to its endpoints once CoreDNS is ready (until then it is kube-proxy's REJECT)
    const rule = '-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp --dport 53';
    await waitFor(async () => (await k('exec', name, '--', 'iptables-save')).stdout.includes(rule), {
      what: 'the kube-dns rule in iptables-save',
      timeoutMs: 60_000,
    });
  }, 60_000);

  it('restarts with the new mode when the kube-proxy ConfigMap changes, and ipvsadm then lists the Services', async () => {
    const cm = JSON.parse((await k('get', 'cm', 'kube-proxy', '-o', 'json')).stdout);
    cm.data['config.conf'] = cm.data['config.conf'].replace(/^mode: iptables$/m, 'mode: ipvs');
    expect((await tc.kubectl(['apply', '-f', '-'], { input: JSON.stringify(cm) })).code).toBe(0);
    await waitFor(async () => (await proxyPods()).every((p) => p.status.containerStatuses?.[0]?.restartCount >= 1 && p.status.containerStatuses[0].ready), {
      what: 'kube-proxy restarted',
      timeoutMs: 60_000,
    });
    const name = (await proxyPods())[0].metadata.name;
    expect((await k('logs', name, '-p')).stdout).toContain('"command failed" err="content of the proxy server\'s configuration file was updated"');
    expect((await k('logs', name)).stdout).toContain('"Using ipvs proxy mode"');
    expect((await k('exec', name, '--', 'ipvsadm', '-Ln')).stdout).toMatch(/^TCP {2}10\.96\.0\.1:443 rr$/m);
  }, 90_000);
});
