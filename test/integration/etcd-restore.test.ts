// The CKA etcd backup and restore on the control-plane node, through real kubectl and the node shell: kubeadm's
// manifests are files there, a snapshot restored into a new data dir is put into service by editing etcd.yaml, and
// a bad edit takes the API down until the file is fixed — while the node shell keeps working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../harness';
import type { KObject } from '../../electron/cluster/api/types';
import { writeSshShim } from '../../electron/terminal/ssh-shim';

const KUBECTL = kubectlPath();
const CP = 'kubelab-control-plane';
const ETCDCTL =
  'ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key';
const ETCD_YAML = '/etc/kubernetes/manifests/etcd.yaml';
let tc: TestCluster;

/** one command line in the control-plane node's shell (kubelab node shell's endpoint, as `ssh controlplane` uses it) */
async function shell(command: string): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const body = join(tc.dataDir, 'shell.json');
  writeFileSync(body, JSON.stringify({ session: 'etcd-restore', command }));
  const r = await tc.kubectl(['create', '--raw', `/kubelab/nodes/${CP}/shell`, '-f', body]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { stdout: string; stderr: string; exitCode: number };
}
async function ok(command: string): Promise<string> {
  const r = await shell(command);
  expect(r.exitCode, `${command}\n${r.stderr}`).toBe(0);
  return r.stdout;
}
const configMaps = async () => {
  const r = await tc.kubectl(['get', 'configmaps', '-o', 'name']);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : undefined;
};
const apiDown = async () => {
  const r = await tc.kubectl(['get', 'configmaps']);
  return r.code !== 0 && r.stderr.includes('Error from server (ServiceUnavailable)') ? r.stderr : undefined;
};

describe.skipIf(!KUBECTL)('etcd backup and restore on the control-plane node', () => {
  if (!KUBECTL) console.log('skipped: no kubectl on this machine');
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    await waitFor(async () => (await shell(`${ETCDCTL} endpoint health`)).exitCode === 0, { timeoutMs: 60_000, what: 'etcd to answer in the node shell' });
  }, 120_000);
  afterAll(() => tc?.stop());

  it("kubeadm's four manifests are files on the node, and the mirror pods carry their specs", async () => {
    expect((await ok('ls /etc/kubernetes/manifests')).split(/\s+/).filter(Boolean)).toEqual([
      'etcd.yaml',
      'kube-apiserver.yaml',
      'kube-controller-manager.yaml',
      'kube-scheduler.yaml',
    ]);
    for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const file = YAML.parse(await ok(`cat /etc/kubernetes/manifests/${c}.yaml`)) as KObject;
      const got = await waitFor(
        async () => {
          const r = await tc.kubectl(['-n', 'kube-system', 'get', 'pod', `${c}-${CP}`, '-o', 'json']);
          return r.code === 0 ? r.stdout : undefined;
        },
        { what: `the mirror pod ${c}-${CP}` },
      );
      const mirror = JSON.parse(got!) as KObject;
      expect(mirror.metadata.annotations?.['kubernetes.io/config.source']).toBe('file');
      expect(mirror.spec.containers[0].command).toEqual(file.spec.containers[0].command);
      expect(mirror.spec.volumes).toEqual(file.spec.volumes);
      expect(mirror.spec.containers[0].image).toBe(file.spec.containers[0].image);
    }
  });

  it('snapshot save, restore into a new data dir, point etcd.yaml at it: the API serves the snapshot', async () => {
    expect((await tc.kubectl(['create', 'configmap', 'before-backup', '--from-literal=k=v'])).code).toBe(0);
    expect(await ok(`${ETCDCTL} snapshot save /opt/etcd-backup.db`)).toBe('Snapshot saved at /opt/etcd-backup.db\n');
    expect((await tc.kubectl(['create', 'configmap', 'after-backup', '--from-literal=k=v'])).code).toBe(0);
    const rvBefore = Number((await tc.kubectl(['get', 'configmaps', '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout);
    // a watch open across the restore sees the object the snapshot does not hold go
    const watch = tc.kubectlSpawn(['get', 'configmaps', '--watch-only', '--output-watch-events']);
    let watched = '';
    watch.stdout!.on('data', (c) => (watched += c));
    try {
      await ok('etcdutl snapshot restore /opt/etcd-backup.db --data-dir /var/lib/etcd-from-backup');
      expect(await ok('ls /var/lib/etcd-from-backup/member')).toBe('snap\nwal\n');
      await ok(`sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-from-backup#' ${ETCD_YAML}`);
      const names = await waitFor(async () => ((await configMaps())?.includes('configmap/after-backup') === false ? configMaps() : undefined), {
        timeoutMs: 60_000,
        what: "the API to serve the snapshot's ConfigMaps",
      });
      expect(names).toContain('configmap/before-backup');
      expect(names).toContain('configmap/kube-root-ca.crt');
      await waitFor(() => /^DELETED\s+after-backup\s/m.test(watched), { timeoutMs: 20_000, what: 'the watch to see the deletion' });
    } finally {
      watch.kill();
    }
    // the restored objects come back as objects the cluster's controllers act on, and the store's revision moves on
    const status = JSON.parse(await ok(`${ETCDCTL} endpoint status -w json`)) as { Status: { header: { revision: number } } }[];
    expect(status[0].Status.header.revision).toBeGreaterThan(rvBefore);
    // the kubelet replaced the etcd pod: its new mirror carries the edited volume
    await waitFor(
      async () =>
        (await tc.kubectl(['get', '-n', 'kube-system', 'pod', `etcd-${CP}`, '-o', 'jsonpath={.spec.volumes[?(@.name=="etcd-data")].hostPath.path}'])).stdout ===
        '/var/lib/etcd-from-backup',
      { timeoutMs: 20_000, what: "the etcd mirror pod's new etcd-data volume" },
    );
  }, 120_000);

  it('a data dir with no etcd data keeps etcd down and the API unavailable; the node shell fixes it', async () => {
    await ok(`sed -i 's#path: /var/lib/etcd-from-backup$#path: /var/lib/etcd-typo#' ${ETCD_YAML}`);
    const refused = await waitFor(apiDown, { timeoutMs: 30_000, what: 'the API to become unavailable' });
    expect(refused).toContain('etcd at https://127.0.0.1:2379 is not serving');
    const log = await waitFor(
      async () => {
        const r = await shell('crictl logs $(crictl ps -a --name etcd -q | head -1)');
        const out = r.stdout + r.stderr;
        return out.includes('holds no etcd data') ? out : undefined;
      },
      { timeoutMs: 20_000, what: "etcd's fatal line" },
    );
    expect(log).toContain("data dir /var/lib/etcd (the node's /var/lib/etcd-typo) holds no etcd data");
    expect((await shell(`${ETCDCTL} --command-timeout=1s endpoint health`)).exitCode).not.toBe(0);

    // the desktop app's terminal has only kubectl: its `ssh controlplane` still reaches the node and fixes the file
    const shim = writeSshShim(join(tc.dataDir, 'ssh-shim'), null);
    const env = { ...process.env, PATH: `${shim}:${dirname(KUBECTL!)}:/usr/bin:/bin`, KUBECONFIG: tc.kubeconfig };
    const fixed = await new Promise<string>((resolve, reject) => {
      // asynchronous: the cluster answering the shim runs in this process
      const p = spawn(join(shim, 'ssh'), [CP], { env, stdio: ['pipe', 'pipe', 'ignore'] });
      let out = '';
      p.stdout.on('data', (c) => (out += c));
      p.on('error', reject);
      p.on('close', () => resolve(out));
      p.stdin.end(`sed -i 's#path: /var/lib/etcd-typo$#path: /var/lib/etcd-from-backup#' ${ETCD_YAML}\ngrep -c etcd-from-backup ${ETCD_YAML}\nexit\n`);
    });
    expect(fixed).toBe('1\n');
    expect(await waitFor(configMaps, { timeoutMs: 60_000, what: 'the API back' })).toContain('configmap/before-backup');
  }, 120_000);

  it('a manifest that does not parse stops etcd until it is repaired', async () => {
    const good = await ok(`cat ${ETCD_YAML}`);
    await ok(`cp ${ETCD_YAML} /root/etcd.yaml.good && printf 'spec:\\n  containers: [\\n' > ${ETCD_YAML}`);
    await waitFor(apiDown, { timeoutMs: 30_000, what: 'the API to become unavailable' });
    expect(await ok('journalctl -u kubelet')).toContain('Could not process manifest file');
    await ok(`cp /root/etcd.yaml.good ${ETCD_YAML}`);
    expect(await ok(`cat ${ETCD_YAML}`)).toBe(good);
    const names = await waitFor(configMaps, { timeoutMs: 60_000, what: 'the API back' });
    expect(names).toContain('configmap/before-backup');
    expect(names).not.toContain('configmap/after-backup');
  }, 120_000);

  it('--data-dir with its volume moved along works too, and the data dir etcd left still holds what it had', async () => {
    // the flag and the mount at /var/lib/etcd-main, the hostPath back at kubeadm's /var/lib/etcd
    await ok(
      `sed -i -e 's#--data-dir=/var/lib/etcd$#--data-dir=/var/lib/etcd-main#' -e 's#mountPath: /var/lib/etcd$#mountPath: /var/lib/etcd-main#' -e 's#path: /var/lib/etcd-from-backup$#path: /var/lib/etcd#' ${ETCD_YAML}`,
    );
    const names = await waitFor(async () => ((await configMaps())?.includes('configmap/after-backup') ? configMaps() : undefined), {
      timeoutMs: 60_000,
      what: 'the ConfigMaps of /var/lib/etcd',
    });
    expect(names).toContain('configmap/before-backup');
    await waitFor(
      async () =>
        (await tc.kubectl(['-n', 'kube-system', 'get', 'pod', `etcd-${CP}`, '-o', 'jsonpath={.spec.containers[0].command}'])).stdout.includes(
          '--data-dir=/var/lib/etcd-main',
        ),
      { timeoutMs: 20_000, what: "the etcd mirror pod's new --data-dir" },
    );
  }, 120_000);
});
