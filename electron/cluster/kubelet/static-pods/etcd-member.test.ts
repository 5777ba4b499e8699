// The etcd member behind the etcd static pod: which data dir the store serves, switching to a restored one, and
// refusing a data dir with no etcd data.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../../store';
import { parseSnapshot, snapshotOf } from '../../store/etcdctl/snapshot';
import { EtcdMember } from './etcd-member';
import { hostPathIn } from './programs';

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-member-'));
  const hostRoot = path.join(dir, 'host');
  const store = openStore({ path: ':memory:' });
  const replaced: Map<string, string>[] = [];
  const opts = {
    hostRoot,
    stateFile: path.join(dir, 'etcd-data-dir'),
    store,
    // the store takes the keys as the cluster's restore would
    replaceKeys: async (kvs: Map<string, string>) => {
      replaced.push(kvs);
      store.txn([
        ...store
          .range('')
          .kvs.filter((kv) => !kvs.has(kv.key))
          .map((kv) => ({ op: 'delete' as const, key: kv.key })),
        ...[...kvs].filter(([k]) => !store.get(k)).map(([key, value]) => ({ op: 'create' as const, key, value })),
      ]);
    },
    log: () => undefined,
  };
  return { dir, hostRoot, store, replaced, opts, member: new EtcdMember(opts) };
}

describe('EtcdMember', () => {
  it('serves the store until its pod has run, then only while an etcd process runs', async () => {
    const { hostRoot, member } = setup();
    expect(member.serving).toBe(true);
    expect(await member.start(path.join(hostRoot, 'var/lib/etcd'), '/var/lib/etcd')).toBeUndefined();
    expect(member.serving).toBe(true);
    member.stop();
    expect(member.serving).toBe(false);
  });

  it('puts a restored data dir into service, and the dir it leaves keeps its keys for a way back', async () => {
    const { dir, hostRoot, store, member, opts } = setup();
    store.create('/registry/configmaps/default/before', '{"a":1}');
    const backup = snapshotOf(store);
    store.create('/registry/configmaps/default/after', '{"a":2}');
    const restored = path.join(hostRoot, 'var/lib/etcd-from-backup');
    fs.mkdirSync(path.join(restored, 'member/snap'), { recursive: true });
    fs.writeFileSync(path.join(restored, 'member/snap/db'), backup);

    expect(await member.start(restored, '/var/lib/etcd')).toBeUndefined();
    expect(store.range('/registry/').kvs.map((kv) => kv.key)).toEqual(['/registry/configmaps/default/before']);
    expect(member.dataDir).toBe('/var/lib/etcd-from-backup');
    const left = parseSnapshot(fs.readFileSync(path.join(hostRoot, 'var/lib/etcd/member/snap/db'), 'utf8'));
    expect(left.kvs.map((kv) => kv.key)).toContain('/registry/configmaps/default/after');
    // the choice survives a restart of the cluster
    expect(new EtcdMember(opts).dataDir).toBe('/var/lib/etcd-from-backup');
    expect(fs.readFileSync(path.join(dir, 'etcd-data-dir'), 'utf8')).toBe('/var/lib/etcd-from-backup\n');

    member.stop();
    expect(await member.start(path.join(hostRoot, 'var/lib/etcd'), '/var/lib/etcd')).toBeUndefined();
    expect(store.get('/registry/configmaps/default/after')).toBeDefined();
  });

  it('refuses a data dir with no etcd data, or one outside any volume, and stays down', async () => {
    const { hostRoot, member, replaced } = setup();
    await member.start(path.join(hostRoot, 'var/lib/etcd'), '/var/lib/etcd');
    member.stop();
    const typo = await member.start(path.join(hostRoot, 'var/lib/etcd-typo'), '/var/lib/etcd');
    expect(typo).toContain("data dir /var/lib/etcd (the node's /var/lib/etcd-typo) holds no etcd data (no member/snap/db)");
    expect(await member.start(undefined, '/var/lib/etcd-from-backup')).toContain('/var/lib/etcd-from-backup (in the container, on no volume)');
    fs.mkdirSync(path.join(hostRoot, 'var/lib/bad/member/snap'), { recursive: true });
    fs.writeFileSync(path.join(hostRoot, 'var/lib/bad/member/snap/db'), 'not a snapshot');
    expect(await member.start(path.join(hostRoot, 'var/lib/bad'), '/var/lib/etcd')).toContain('invalid database');
    expect(member.serving).toBe(false);
    expect(replaced).toEqual([]);
    expect(member.dataDir).toBe('/var/lib/etcd');
  });
});

describe('hostPathIn', () => {
  const mounts = [
    { containerPath: '/var/lib/etcd', hostPath: '/n/host/var/lib/etcd-from-backup', readOnly: false },
    { containerPath: '/var', hostPath: '/n/host/var', readOnly: false },
  ];
  it('finds the deepest mount holding a container path', () => {
    expect(hostPathIn(mounts, '/var/lib/etcd')).toBe('/n/host/var/lib/etcd-from-backup');
    expect(hostPathIn(mounts, '/var/lib/etcd/')).toBe('/n/host/var/lib/etcd-from-backup');
    expect(hostPathIn(mounts, '/var/lib/etcd2')).toBe('/n/host/var/lib/etcd2');
    expect(hostPathIn(mounts, '/opt/etcd')).toBeUndefined();
  });
});
