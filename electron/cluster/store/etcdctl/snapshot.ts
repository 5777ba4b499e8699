// Snapshots as etcdctl/etcdutl v3.5 handle them: `snapshot save` over the client connection, and `snapshot status`
// and `snapshot restore`, which work on files only (no server, no certificates). A restore writes the data dir
// layout etcd would start from — member/snap/db (the keyspace, which `snapshot status` reads like a snapshot, as
// with real etcd), member/snap/*.snap and member/wal/*.wal (the new single-member cluster's raft state).
// The files are KubeLab's own format (JSON), not bbolt.
import { createHash } from 'node:crypto';
import type { KeyValue, Store } from '../types';
import { humanBytes, table } from './print';
import type { EtcdctlArgs } from './flags';

export const SNAPSHOT_MAGIC = 'kubelab-etcd-snapshot/v1\n';

/** the filesystem of whoever runs the command (the etcd container, the node shell) */
export interface SnapshotIo {
  out(s: string): void;
  err(s: string): void;
  readFile(path: string): Promise<string | undefined>;
  /** creates the parent folders as needed */
  writeFile(path: string, data: string): Promise<void>;
  /** a folder's entries; undefined when there is no such folder */
  readDir(path: string): Promise<string[] | undefined>;
}

export class SnapshotError extends Error {}

export interface SnapshotData {
  revision: number;
  kvs: KeyValue[];
}

export function snapshotOf(store: Store): string {
  const r = store.range('');
  return SNAPSHOT_MAGIC + JSON.stringify({ revision: r.revision, kvs: r.kvs }) + '\n';
}

export function parseSnapshot(text: string): SnapshotData {
  if (!text.startsWith(SNAPSHOT_MAGIC)) throw new SnapshotError('snapshot file integrity check failed. 0 errors found.\n');
  try {
    return JSON.parse(text.slice(SNAPSHOT_MAGIC.length)) as SnapshotData;
  } catch {
    throw new SnapshotError('snapshot file integrity check failed. 1 errors found.\ninvalid database');
  }
}

async function readSnapshot(path: string | undefined, io: SnapshotIo, verb: string): Promise<{ text: string; snap: SnapshotData }> {
  if (path === undefined) throw new SnapshotError(`snapshot ${verb} requires exactly one argument`);
  const text = await io.readFile(path);
  if (text === undefined) throw new SnapshotError(`stat ${path}: no such file or directory`);
  return { text, snap: parseSnapshot(text) };
}

export async function snapshotStatus(a: EtcdctlArgs, io: SnapshotIo): Promise<void> {
  if (a.args.length !== 1) throw new SnapshotError('snapshot status requires exactly one argument');
  const { text, snap } = await readSnapshot(a.args[0], io, 'status');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const bytes = Buffer.byteLength(text);
  const size = humanBytes(bytes);
  if (a.writeOut === 'table') io.out(table(['HASH', 'REVISION', 'TOTAL KEYS', 'TOTAL SIZE'], [[hash, String(snap.revision), String(snap.kvs.length), size]]));
  else if (a.writeOut === 'json') io.out(`{"hash":${parseInt(hash, 16)},"revision":${snap.revision},"totalKey":${snap.kvs.length},"totalSize":${bytes}}\n`);
  else io.out(`${hash}, ${snap.revision}, ${snap.kvs.length}, ${size}\n`);
}

const pad16 = (n: number) => n.toString(16).padStart(16, '0');
const id64 = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 16);

/** etcdutl snapshot restore: a new data dir for a one-member cluster holding the snapshot's keys at its revision */
export async function snapshotRestore(a: EtcdctlArgs, io: SnapshotIo): Promise<void> {
  if (a.args.length !== 1) throw new SnapshotError('snapshot restore requires exactly one argument');
  const flag = (n: string, d: string) => {
    const v = a.flags.get(n);
    return typeof v === 'string' ? v : d;
  };
  const name = flag('name', 'default');
  const peerURL = flag('initial-advertise-peer-urls', 'http://localhost:2380');
  const initialCluster = flag('initial-cluster', `${name}=${peerURL}`);
  const members = new Map(initialCluster.split(',').map((m) => m.split('=') as [string, string]));
  if (!members.has(name)) throw new SnapshotError(`couldn't find local name "${name}" in the initial cluster configuration`);
  if (members.get(name) !== peerURL)
    throw new SnapshotError(
      `--initial-cluster has ${name}=${members.get(name)} but missing from --initial-advertise-peer-urls=${peerURL} ("${peerURL}"(resolved from "${peerURL}") != "${members.get(name)}"(resolved from "${members.get(name)}"))`,
    );
  const dataDir = flag('data-dir', `${name}.etcd`).replace(/(.)\/+$/, '$1');
  const existing = await io.readDir(dataDir);
  // a file in the way reads as a data dir that is not empty, as etcdutl's check sees it
  const inTheWay = existing === undefined && (await io.readFile(dataDir)) !== undefined;
  if ((existing && existing.length > 0) || inTheWay) throw new SnapshotError(`data-dir "${dataDir}" not empty or could not be read`);
  const walDir = flag('wal-dir', `${dataDir}/member/wal`);
  const snapDir = `${dataDir}/member/snap`;
  const { text } = await readSnapshot(a.args[0], io, 'restore');
  const write = async (path: string, data: string) => {
    try {
      await io.writeFile(path, data);
    } catch (e) {
      // a read-only or missing mount: the message the OS would give, not a crash
      throw new SnapshotError(`open ${path}: ${(e as Error).message}`);
    }
  };

  const log = (caller: string, msg: string, extra: Record<string, unknown>) =>
    io.err(JSON.stringify({ level: 'info', ts: new Date().toISOString(), caller, msg, ...extra }) + '\n');
  const where = { path: a.args[0], 'wal-dir': walDir, 'data-dir': dataDir, 'snap-dir': snapDir };
  log('snapshot/v3_snapshot.go:260', 'restoring snapshot', where);
  const token = flag('initial-cluster-token', 'etcd-cluster');
  const clusterId = id64(`cluster/${token}/${initialCluster}`);
  await write(`${snapDir}/db`, text);
  log('membership/store.go:141', 'Trimming membership information from the backend...', {});
  const ids = [...members].map(([n, url]) => ({ name: n, url, id: id64(`member/${n}/${url}/${token}`) }));
  for (const m of ids)
    log('membership/cluster.go:421', 'added member', {
      'cluster-id': clusterId,
      'local-member-id': '0',
      'added-peer-id': m.id,
      'added-peer-peer-urls': [m.url],
    });
  // raft: one configuration-change entry per member, committed at index = number of members, term 1
  const commit = ids.length;
  await write(
    `${snapDir}/${pad16(1)}-${pad16(commit)}.snap`,
    JSON.stringify({ metadata: { index: commit, term: 1, conf_state: { voters: ids.map((m) => m.id) } }, members: ids }) + '\n',
  );
  await write(
    `${walDir}/${pad16(0)}-${pad16(0)}.wal`,
    JSON.stringify({
      metadata: { node_id: ids.find((m) => m.name === name)!.id, cluster_id: clusterId },
      hardstate: { term: 1, commit },
      snapshot: { index: commit, term: 1 },
    }) + '\n',
  );
  log('snapshot/v3_snapshot.go:287', 'restored snapshot', where);
}

export const SNAPSHOT_RESTORE_FLAGS: Record<string, boolean> = {
  'data-dir': true,
  'wal-dir': true,
  name: true,
  'initial-cluster': true,
  'initial-cluster-token': true,
  'initial-advertise-peer-urls': true,
  'skip-hash-check': false,
};
