// `kubectl debug node/NAME --image=busybox` then `chroot /host` (upstream's documented way to a node shell): the
// node's tools and files answer inside the debugging pod as in `kubelab node shell`, interactively and as a command.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, kubectlPath, waitFor, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('node debug: skipped — no kubectl found (set KUBECTL or install kubectl)');

describe.skipIf(!kubectl)('kubectl debug node + chroot /host', () => {
  let tc: TestCluster;
  const node = 'kubelab-worker';

  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 2 });
    await waitFor(async () => (await tc.kubectl(['-n', 'kube-system', 'rollout', 'status', 'ds/kube-proxy', '--timeout=5s'])).code === 0, {
      what: 'kube-proxy rolled out',
      timeoutMs: 60_000,
    });
  }, 90_000);
  afterAll(async () => {
    await tc?.stop();
  });

  const debuggerLogs = async (): Promise<string> => {
    const pods = JSON.parse((await tc.kubectl(['get', 'pods', '-o', 'json'])).stdout).items as any[];
    const done = pods.find((p) => p.metadata.name.startsWith(`node-debugger-${node}-`) && p.status.phase === 'Succeeded');
    return done ? (await tc.kubectl(['logs', done.metadata.name])).stdout : '';
  };

  it('runs a node tool given after chroot /host as the pod command', async () => {
    const r = await tc.kubectl(['debug', `node/${node}`, '--image=busybox', '--', 'chroot', '/host', 'crictl', 'ps']);
    expect(r.code).toBe(0);
    const out = await waitFor(async () => (await debuggerLogs()) || undefined, { what: 'the debugging pod to finish', timeoutMs: 30_000 });
    expect(out).toMatch(/^CONTAINER\s+IMAGE\s+CREATED\s+STATE\s+NAME\s+ATTEMPT\s+POD ID\s+POD/);
    expect(out).toMatch(/\bkube-proxy\b.*kube-system/);
    await tc.kubectl(['delete', 'pods', '--all', '--wait=false']);
  }, 60_000);

  it('turns an interactive busybox shell into the node shell after chroot /host, and back on exit', async () => {
    const script = [
      'ls /host/etc/cni/net.d',
      'crictl ps 2>&1 | head -1',
      'chroot /host',
      'ip route',
      'iptables-save | grep -c "^-A KUBE-SERVICES"',
      'systemctl is-active kubelet',
      'journalctl -u kubelet --no-pager | head -1',
      'cat /etc/cni/net.d/10-kubelab.conflist',
      'exit',
      'crictl version 2>/dev/null || echo back in busybox',
      'echo "uts: $(hostname)"',
      'exit',
      '',
    ].join('\n');
    const r = await tc.kubectl(['debug', `node/${node}`, '-i', '--image=busybox'], { input: script, timeoutMs: 60_000 });
    const out = r.stdout;
    // before chroot: the node's files are visible at /host, but its tools are not on the container's PATH
    expect(out).toContain('10-kubelab.conflist');
    expect(out).toMatch(/crictl: (command )?not found/);
    // after: the node's routes (its own pod CIDR on cni0) and its kube-proxy rules
    expect(out).toMatch(/^10\.244\.\d+\.0\/24 dev cni0 proto kernel scope link/m);
    expect(out).toMatch(/^\d+$/m);
    expect(out).toMatch(/^active$/m);
    expect(out).toContain('"type": "bridge"');
    expect(out).toMatch(/^back in busybox$/m);
    // the debugging pod shares the node's UTS namespace (hostNetwork): its host name is the node's
    expect(out).toContain(`uts: ${node}`);
  }, 90_000);

  it('refuses a chroot that is not into the node root as busybox does', async () => {
    const r = await tc.kubectl(['debug', `node/${node}`, '-i', '--image=busybox'], {
      input: 'chroot /tmp; echo status $?\nchroot /nowhere\nexit\n',
      timeoutMs: 60_000,
    });
    expect(r.stdout + r.stderr).toContain("chroot: can't execute '/bin/sh': No such file or directory");
    expect(r.stdout).toContain('status 127');
    expect(r.stdout + r.stderr).toContain("chroot: can't change root directory to '/nowhere': No such file or directory");
  }, 90_000);
});
