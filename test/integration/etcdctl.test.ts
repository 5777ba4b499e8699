// etcdctl inside the etcd static pod, through real kubectl exec: the keys the API server writes, revisions that
// match resourceVersions, compaction, member/endpoint status and snapshots — and the TLS the real server demands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../harness';
import { R } from '../../electron/cluster/client/resources';

const KUBECTL = kubectlPath();
const CP = 'kubelab-control-plane';
const TLS = [
  '--endpoints=https://127.0.0.1:2379',
  '--cacert=/etc/kubernetes/pki/etcd/ca.crt',
  '--cert=/etc/kubernetes/pki/etcd/server.crt',
  '--key=/etc/kubernetes/pki/etcd/server.key',
];
let tc: TestCluster;

const etcdctl = (args: string[], withTls = true) => tc.kubectl(['-n', 'kube-system', 'exec', `etcd-${CP}`, '--', 'etcdctl', ...(withTls ? TLS : []), ...args]);

describe.skipIf(!KUBECTL)('etcdctl in the etcd pod', () => {
  if (!KUBECTL) console.log('skipped: no kubectl on this machine');
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    await waitFor(async () => (await etcdctl(['version'], false)).code === 0, { timeoutMs: 60_000, what: `etcd-${CP} to accept exec` });
  }, 120_000);
  afterAll(() => tc?.stop());

  it("lists the API server's keys, and a key's mod_revision is the object's resourceVersion", async () => {
    expect((await tc.kubectl(['create', 'configmap', 'rev-demo', '--from-literal=a=1'])).code).toBe(0);
    const keys = await etcdctl(['get', '/registry/configmaps/default/', '--prefix', '--keys-only']);
    expect(keys.stdout.split('\n')).toContain('/registry/configmaps/default/rev-demo');
    const read = async () => {
      const r = await etcdctl(['get', '/registry/configmaps/default/rev-demo', '-w', 'json']);
      const body = JSON.parse(r.stdout) as {
        header: { revision: number };
        kvs: { key: string; create_revision: number; mod_revision: number; version: number }[];
        count: number;
      };
      const rv = (await tc.kubectl(['get', 'cm', 'rev-demo', '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout;
      return { kv: body.kvs[0], rv: Number(rv), count: body.count };
    };
    const first = await read();
    expect(Buffer.from(first.kv.key, 'base64').toString()).toBe('/registry/configmaps/default/rev-demo');
    expect(first).toMatchObject({ count: 1, kv: { version: 1 } });
    expect(first.kv.mod_revision).toBe(first.rv);
    expect((await tc.kubectl(['patch', 'cm', 'rev-demo', '-p', '{"data":{"a":"2"}}'])).code).toBe(0);
    const second = await read();
    expect(second.kv).toMatchObject({ version: 2, create_revision: first.kv.create_revision });
    expect(second.kv.mod_revision).toBe(second.rv);
    expect(second.kv.mod_revision).toBeGreaterThan(first.kv.mod_revision);
    // the old revision is still readable until compaction, then it is gone
    const old = await etcdctl(['get', '/registry/configmaps/default/rev-demo', `--rev=${first.kv.mod_revision}`, '--print-value-only']);
    expect(JSON.parse(old.stdout).data).toEqual({ a: '1' });
    expect((await etcdctl(['compaction', String(second.kv.mod_revision)])).stdout).toBe(`compacted revision ${second.kv.mod_revision}\n`);
    const gone = await etcdctl(['get', '/registry/configmaps/default/rev-demo', `--rev=${first.kv.mod_revision}`]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Error: etcdserver: mvcc: required revision has been compacted');
  });

  it('shows the member and endpoint status, and saves a snapshot whose status counts its keys', async () => {
    const members = await etcdctl(['member', 'list']);
    expect(members.stdout).toMatch(new RegExp(`^[0-9a-f]{16}, started, ${CP}, https://172\\.18\\.0\\.2:2380, https://172\\.18\\.0\\.2:2379, false\\n$`));
    const status = await etcdctl(['endpoint', 'status', '-w', 'table']);
    expect(status.stdout).toMatch(/\| https:\/\/127\.0\.0\.1:2379 \| [0-9a-f]{16} \| +3\.5\.21 \| +[\d.]+ [kM]B \| +true \| +false \|/);
    const saved = await etcdctl(['snapshot', 'save', '/var/lib/etcd/backup.db']);
    expect(saved.stdout).toBe('Snapshot saved at /var/lib/etcd/backup.db\n');
    const st = await etcdctl(['snapshot', 'status', '/var/lib/etcd/backup.db', '-w', 'json'], false);
    const count = Number((await etcdctl(['get', '', '--prefix', '--count-only'])).stdout);
    const snap = JSON.parse(st.stdout) as { totalKey: number; revision: number };
    expect(snap.totalKey).toBeGreaterThan(50);
    // keys may have come and gone between the two commands, but not many on an idle cluster
    expect(Math.abs(snap.totalKey - count)).toBeLessThan(10);
  });

  it('refuses what the real server refuses: no TLS, an unknown CA, a missing file', async () => {
    const plain = await etcdctl(['get', '/registry', '--prefix', '--keys-only', '--command-timeout=1s'], false);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('Error: context deadline exceeded');
    const noClientCert = await etcdctl(
      ['--endpoints=https://127.0.0.1:2379', '--cacert=/etc/kubernetes/pki/etcd/ca.crt', '--command-timeout=1s', 'get', 'x'],
      false,
    );
    expect(noClientCert.stderr).toContain('tls: certificate required');
    const missing = await etcdctl(['--endpoints=https://127.0.0.1:2379', '--cacert=/etc/kubernetes/pki/etcd/nope.crt', 'get', 'x'], false);
    expect(missing.stderr).toContain('Error: open /etc/kubernetes/pki/etcd/nope.crt: no such file or directory');
    expect((await etcdctl(['put', '/registry/configmaps/default/x', 'y'])).code).toBe(1);
    expect((await etcdctl(['put', '/lab/greeting', 'hello'])).stdout).toBe('OK\n');
    expect((await etcdctl(['get', '/lab/greeting'])).stdout).toBe('/lab/greeting\nhello\n');
  });

  it('defrag shrinks the database a compaction freed: DB SIZE in endpoint status drops', async () => {
    const cm = await tc.client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'churn' }, data: { n: '0' } });
    let cur = cm;
    for (let i = 1; i <= 150; i++) cur = await tc.client.update(R.configmaps, 'default', { ...cur, data: { n: String(i), pad: 'x'.repeat(20_000) } });
    const status = async () => {
      const r = await etcdctl(['endpoint', 'status', '-w', 'json']);
      const s = JSON.parse(r.stdout) as { Status: { dbSize: number; dbSizeInUse: number; header: { revision: number } } }[];
      return s[0].Status;
    };
    const before = await status();
    expect((await etcdctl(['compaction', String(before.header.revision)])).code).toBe(0);
    const compacted = await status();
    // compaction frees pages inside the file; the file keeps its size until defrag
    expect(compacted.dbSize).toBeGreaterThanOrEqual(before.dbSize * 0.9);
    expect(compacted.dbSizeInUse).toBeLessThan(compacted.dbSize / 2);
    const defrag = await etcdctl(['defrag']);
    expect(defrag.stdout).toBe('Finished defragmenting etcd member[https://127.0.0.1:2379]\n');
    const after = await status();
    expect(after.dbSize).toBeLessThan(compacted.dbSize / 2);
    const table = (await etcdctl(['endpoint', 'status', '-w', 'table'])).stdout;
    expect(table).toMatch(/\|\s+DB SIZE\s+\|/);
  });

  it('restores a snapshot into a new data dir (etcdctl and etcdutl), which snapshot status reads like the snapshot', async () => {
    expect((await etcdctl(['snapshot', 'save', '/tmp/snap.db'])).code).toBe(0);
    const saved = JSON.parse((await etcdctl(['snapshot', 'status', '/tmp/snap.db', '-w', 'json'], false)).stdout) as { revision: number; totalKey: number };
    const restore = await etcdctl(['snapshot', 'restore', '/tmp/snap.db', '--data-dir', '/var/lib/etcd-restore'], false);
    expect(restore.code).toBe(0);
    expect(restore.stderr).toContain('Deprecated: Use `etcdutl snapshot restore` instead.');
    expect(restore.stderr).toContain('"msg":"restored snapshot"');
    const files = await tc.kubectl([
      '-n',
      'kube-system',
      'exec',
      `etcd-${CP}`,
      '--',
      'ls',
      '/var/lib/etcd-restore/member/snap',
      '/var/lib/etcd-restore/member/wal',
    ]);
    expect(files.stdout).toContain('db');
    expect(files.stdout).toContain('0000000000000000-0000000000000000.wal');
    const exec = (args: string[]) => tc.kubectl(['-n', 'kube-system', 'exec', `etcd-${CP}`, '--', ...args]);
    const st = await exec(['etcdutl', 'snapshot', 'status', '/var/lib/etcd-restore/member/snap/db', '-w', 'json']);
    expect(JSON.parse(st.stdout)).toMatchObject({ revision: saved.revision, totalKey: saved.totalKey });
    // etcd never restores over a data dir in use
    const again = await exec(['etcdutl', 'snapshot', 'restore', '/tmp/snap.db', '--data-dir', '/var/lib/etcd-restore']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error: data-dir "/var/lib/etcd-restore" not empty or could not be read\n');
    const onAFile = await exec(['etcdutl', 'snapshot', 'restore', '/tmp/snap.db', '--data-dir', '/tmp/snap.db']);
    expect(onAFile.stderr).toContain('Error: data-dir "/tmp/snap.db" not empty or could not be read\n');
    const bad = await exec(['etcdutl', 'snapshot', 'restore', '/etc/kubernetes/pki/etcd/ca.crt', '--data-dir', '/tmp/x']);
    // the node's programs are on the image's PATH for scripts too, not only as the exec'd command
    expect((await exec(['sh', '-c', 'etcdutl version | grep API'])).stdout).toBe('API version: 3.5\n');
    expect(bad.stderr).toContain('snapshot file integrity check failed');
  });

  it("the control-plane node's shell has etcdctl and etcdutl, with kubeadm's PKI", async () => {
    const shell = async (node: string, command: string) => {
      const body = join(tc.dataDir, 'shell.json');
      writeFileSync(body, JSON.stringify({ session: 'etcd-test', command }));
      const r = await tc.kubectl(['create', '--raw', `/kubelab/nodes/${node}/shell`, '-f', body]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { stdout: string; stderr: string; exitCode: number };
    };
    const get = await shell(
      CP,
      'ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key get /registry/namespaces/default --keys-only',
    );
    expect(get).toMatchObject({ exitCode: 0, stdout: '/registry/namespaces/default\n\n' });
    const saved = await shell(
      CP,
      'etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key snapshot save /root/backup.db && etcdutl snapshot restore /root/backup.db --data-dir /root/restored && ls /root/restored/member/snap',
    );
    expect(saved.exitCode, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('Snapshot saved at /root/backup.db');
    // a watch replays from its revision; the line-at-a-time shell ends it after a few seconds and says so
    const started = Date.now();
    const watched = await shell(
      CP,
      [
        'export ETCDCTL_ENDPOINTS=https://127.0.0.1:2379 ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key',
        'etcdctl put /lab/shell-watch one >/dev/null',
        `R=$(etcdctl get /lab/shell-watch -w fields | awk -F' : ' '$1 == "\\"ModRevision\\"" {print $2}')`,
        'etcdctl put /lab/shell-watch two >/dev/null',
        'etcdctl watch /lab/shell-watch --rev=$R',
      ].join('; '),
    );
    expect(watched).toMatchObject({ exitCode: 0, stdout: 'PUT\n/lab/shell-watch\none\nPUT\n/lab/shell-watch\ntwo\n' });
    expect(watched.stderr).toContain('this watch stopped after 5s');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(saved.stdout).toContain('db');
  });
});
