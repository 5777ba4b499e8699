// etcdctl v3.5 against the cluster's store, for the etcd chapters: the keys kube-apiserver writes, their revisions
// and versions, watches from a revision, compaction, member and endpoint status, snapshots. It runs where a student
// finds etcdctl on a kubeadm cluster — inside the etcd static pod (`kubectl -n kube-system exec etcd-… -- etcdctl`)
// — and asks for what the real server asks for: an https endpoint, etcd's CA and a client certificate it signed.
// Values are the JSON the store keeps (kube-apiserver writes protobuf to real etcd; CRDs are JSON there too).
import { createHash } from 'node:crypto';
import { CompactedError, FutureRevisionError, type KeyValue, type Store, type StoreEvent } from '../types';
import { parseEtcdctlArgs, UsageError, type EtcdctlArgs } from './flags';
import { fieldLines, headerJson, hex, humanBytes, kvFieldLines, kvJson, table, type Header } from './print';
import { SnapshotError, snapshotOf, snapshotRestore, snapshotStatus, type SnapshotIo } from './snapshot';

export const ETCDCTL_VERSION = '3.5.21';
const RAFT_TERM = 2;

export interface EtcdMember {
  /** the control-plane node's name and address, as kubeadm names the member and its URLs */
  name: string;
  ip: string;
}
export interface EtcdBackend {
  store: Store;
  member: EtcdMember;
  /** etcd's CA certificate (PEM): a client must trust it and present a certificate it signed */
  caPem: string;
  /** whether `certPem` was signed by etcd's CA */
  signedByCa(certPem: string): Promise<boolean>;
  /** whether an etcd member answers (false while the etcd static pod is down); always, when absent */
  serving?(): boolean;
}
/** the caller's terminal and filesystem (the etcd container's, or the node's) */
export interface EtcdctlIo extends SnapshotIo {
  signal: AbortSignal;
}

class EtcdError extends Error {}

function id64(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 16);
}
function header(b: EtcdBackend): Header {
  return { clusterId: id64(`cluster/${b.member.name}`), memberId: id64(`member/${b.member.name}`), revision: b.store.revision(), raftTerm: RAFT_TERM };
}
const clientURL = (m: EtcdMember) => `https://${m.ip}:2379`;

/** runs one etcdctl command line; resolves with its exit status */
export async function runEtcdctl(argv: string[], env: Record<string, string | undefined>, io: EtcdctlIo, backend: EtcdBackend): Promise<number> {
  let a: EtcdctlArgs;
  try {
    a = parseEtcdctlArgs(argv, env);
  } catch (e) {
    io.err(`Error: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    if (a.command.length === 0) {
      io.out(USAGE);
      return 0;
    }
    const name = a.command.join(' ');
    if (name === 'version') {
      io.out(`etcdctl version: ${ETCDCTL_VERSION}\nAPI version: 3.5\n`);
      return 0;
    }
    // file-only commands: etcdctl 3.5 still runs them, pointing at etcdutl
    if (name === 'snapshot status' || name === 'snapshot restore') {
      io.err(`Deprecated: Use \`etcdutl ${name}\` instead.\n\n`);
      await (name === 'snapshot status' ? snapshotStatus(a, io) : snapshotRestore(a, io));
      return 0;
    }
    const run = COMMANDS[name];
    if (!run) throw new UsageError(`unknown command "${a.command[0]}" for "etcdctl"`);
    await connect(a, io, backend);
    return (await run(a, io, backend)) ?? 0;
  } catch (e) {
    if (e instanceof CompactedError) io.err('Error: etcdserver: mvcc: required revision has been compacted\n');
    else if (e instanceof FutureRevisionError) io.err('Error: etcdserver: mvcc: required revision is a future revision\n');
    else if (e instanceof EtcdError || e instanceof UsageError || e instanceof SnapshotError) io.err(`Error: ${e.message}\n`);
    else throw e;
    return 1;
  }
}

/**
 * What the TLS handshake with kubeadm's etcd decides: it serves only https on 2379 (127.0.0.1 and the node IP),
 * requires a client certificate signed by its CA, and is trusted only through that CA. A refused handshake is
 * retried until the command timeout, then reported as etcdctl does.
 */
async function connect(a: EtcdctlArgs, io: EtcdctlIo, b: EtcdBackend): Promise<void> {
  const files: Record<string, string | undefined> = {};
  for (const f of ['cacert', 'cert', 'key'] as const) {
    const path = a[f];
    if (path === undefined) continue;
    const text = await io.readFile(path);
    if (text === undefined) throw new EtcdError(`open ${path}: no such file or directory`);
    files[f] = text;
  }
  if ((files.cert === undefined) !== (files.key === undefined)) throw new EtcdError('KeyFile and CertFile must both be present[key: , cert: ]');
  const endpoint = a.endpoints[0];
  const url = /^[a-z]+:\/\//.test(endpoint) ? new URL(endpoint) : new URL(`http://${endpoint}`);
  const hostOk = ['127.0.0.1', 'localhost', b.member.ip].includes(url.hostname) && url.port === '2379';
  let problem: string | undefined;
  if (!hostOk || b.serving?.() === false)
    problem = `connection error: desc = "transport: Error while dialing: dial tcp ${url.host}: connect: connection refused"`;
  else if (url.protocol !== 'https:') problem = 'connection error: desc = "error reading server preface: EOF"';
  else if (!a.insecureSkipVerify && (files.cacert === undefined || files.cacert.trim() !== b.caPem.trim()))
    problem =
      'connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"';
  else if (files.cert === undefined) problem = 'connection error: desc = "error reading server preface: remote error: tls: certificate required"';
  else if (!(await b.signedByCa(files.cert))) problem = 'connection error: desc = "error reading server preface: remote error: tls: bad certificate"';
  if (!problem) return;
  await new Promise<void>((res) => {
    const t = setTimeout(res, a.commandTimeoutMs);
    io.signal.addEventListener('abort', () => (clearTimeout(t), res()), { once: true });
  });
  const warn = {
    level: 'warn',
    ts: new Date().toISOString(),
    logger: 'etcd-client',
    caller: `v3@v${ETCDCTL_VERSION}/retry_interceptor.go:63`,
    msg: 'retrying of unary invoker failed',
    target: `etcd-endpoints://0xc000452000/${url.host}`,
    attempt: 0,
    error: `rpc error: code = DeadlineExceeded desc = latest balancer error: last ${problem}`,
  };
  io.err(JSON.stringify(warn) + '\n');
  throw new EtcdError('context deadline exceeded');
}

type Command = (a: EtcdctlArgs, io: EtcdctlIo, b: EtcdBackend) => Promise<number | void> | number | void;

const COMMANDS: Record<string, Command> = {
  get,
  put(a, io, b) {
    const [key, value] = a.args;
    if (key === undefined || value === undefined) throw new EtcdError('put command needs 1 argument and input from stdin or 2 arguments');
    // kube-apiserver owns /registry: a value it cannot decode would break its reads (see README, etcd section)
    if (key.startsWith('/registry/')) throw new EtcdError(`KubeLab: keys under /registry/ are written by the API server only; use kubectl`);
    const cur = b.store.get(key);
    if (cur) b.store.update(key, value);
    else b.store.create(key, value);
    io.out('OK\n');
  },
  del(a, io, b) {
    const [key] = a.args;
    if (key === undefined) throw new EtcdError('del command needs one argument as key and an optional argument as range_end');
    const kvs = select(b.store, key, a.args[1], a.flags.has('prefix'), a.flags.has('from-key'));
    if (kvs.length) b.store.txn(kvs.map((kv) => ({ op: 'delete' as const, key: kv.key })));
    if (a.writeOut === 'json') io.out(`{"header":${headerJson(header(b))},"deleted":${kvs.length}}\n`);
    else io.out(`${kvs.length}\n`);
  },
  watch,
  compaction(a, io, b) {
    const rev = Number(a.args[0]);
    if (a.args.length !== 1 || !Number.isInteger(rev)) throw new EtcdError('compaction command needs 1 argument');
    if (rev > b.store.revision()) throw new FutureRevisionError();
    if (rev < b.store.compactedRevision()) throw new CompactedError(rev, b.store.compactedRevision());
    b.store.compact(rev);
    io.out(`compacted revision ${rev}\n`);
  },
  defrag(a, io, b) {
    b.store.defragment();
    io.out(`Finished defragmenting etcd member[${a.endpoints[0]}]\n`);
  },
  'endpoint health'(a, io) {
    const took = `${(0.5 + Math.random()).toFixed(6)}ms`;
    if (a.writeOut === 'table') io.out(table(['ENDPOINT', 'HEALTH', 'TOOK', 'ERROR'], [[a.endpoints[0], 'true', took, '']]));
    else if (a.writeOut === 'json') io.out(`[{"endpoint":"${a.endpoints[0]}","health":true,"took":"${took}"}]\n`);
    else io.out(`${a.endpoints[0]} is healthy: successfully committed proposal: took = ${took}\n`);
  },
  'endpoint status'(a, io, b) {
    const h = header(b);
    const { size, inUse } = b.store.dbSize();
    const index = String(h.revision + 3);
    const row = [a.endpoints[0], h.memberId, ETCDCTL_VERSION, humanBytes(size), 'true', 'false', String(RAFT_TERM), index, index, ''];
    if (a.writeOut === 'table')
      io.out(table(['ENDPOINT', 'ID', 'VERSION', 'DB SIZE', 'IS LEADER', 'IS LEARNER', 'RAFT TERM', 'RAFT INDEX', 'RAFT APPLIED INDEX', 'ERRORS'], [row]));
    else if (a.writeOut === 'json')
      io.out(
        `[{"Endpoint":"${a.endpoints[0]}","Status":{"header":${headerJson(h)},"version":"${ETCDCTL_VERSION}","dbSize":${size},"leader":${BigInt('0x' + h.memberId)},"raftIndex":${index},"raftTerm":${RAFT_TERM},"raftAppliedIndex":${index},"dbSizeInUse":${inUse}}}]\n`,
      );
    else io.out(row.join(', ') + '\n');
  },
  'member list'(a, io, b) {
    const h = header(b);
    const m = b.member;
    const row = [h.memberId, 'started', m.name, `https://${m.ip}:2380`, clientURL(m), 'false'];
    if (a.writeOut === 'table') io.out(table(['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER'], [row]));
    else if (a.writeOut === 'json')
      io.out(
        `{"header":${headerJson(h)},"members":[{"ID":${BigInt('0x' + h.memberId)},"name":"${m.name}","peerURLs":["https://${m.ip}:2380"],"clientURLs":["${clientURL(m)}"]}]}\n`,
      );
    else io.out(row.join(', ') + '\n');
  },
  async 'snapshot save'(a, io, b) {
    const [path] = a.args;
    if (a.args.length !== 1) throw new EtcdError('snapshot save expects one argument');
    if (a.endpoints.length !== 1) throw new EtcdError('snapshot must be requested to one selected node, not multiple');
    const data = snapshotOf(b.store);
    const log = (caller: string, msg: string, extra: Record<string, unknown> = {}, logger?: string) =>
      io.err(JSON.stringify({ level: 'info', ts: new Date().toISOString(), ...(logger ? { logger } : {}), caller, msg, ...extra }) + '\n');
    log('snapshot/v3_snapshot.go:65', 'created temporary db file', { path: `${path}.part` });
    log(`v3@v${ETCDCTL_VERSION}/maintenance.go:212`, 'opened snapshot stream; downloading', {}, 'client');
    log('snapshot/v3_snapshot.go:73', 'fetching snapshot', { endpoint: a.endpoints[0] });
    await io.writeFile(path, data);
    log(`v3@v${ETCDCTL_VERSION}/maintenance.go:220`, 'completed snapshot read; closing', {}, 'client');
    log('snapshot/v3_snapshot.go:88', 'fetched snapshot', { endpoint: a.endpoints[0], size: humanBytes(Buffer.byteLength(data)), took: 'now' });
    log('snapshot/v3_snapshot.go:97', 'saved', { path });
    io.out(`Snapshot saved at ${path}\n`);
  },
};

/** the keys a get/del names: one key, [key, rangeEnd), a prefix, or every key from `key` on */
function select(store: Store, key: string, rangeEnd: string | undefined, prefix: boolean, fromKey: boolean, revision?: number): KeyValue[] {
  if (prefix) return store.range(key, { revision }).kvs;
  if (rangeEnd === undefined && !fromKey) {
    const kv = revision ? store.getAt(key, revision) : store.get(key);
    return kv ? [kv] : [];
  }
  return store.range('', { revision }).kvs.filter((kv) => kv.key >= key && (fromKey || kv.key < rangeEnd!));
}

const SORT: Record<string, (kv: KeyValue) => string | number> = {
  KEY: (kv) => kv.key,
  CREATE: (kv) => kv.createRevision,
  MODIFY: (kv) => kv.modRevision,
  VERSION: (kv) => kv.version,
  VALUE: (kv) => kv.value,
};

function get(a: EtcdctlArgs, io: EtcdctlIo, b: EtcdBackend): void {
  const [key, rangeEnd] = a.args;
  if (key === undefined || a.args.length > 2) throw new EtcdError('get command needs one argument as key and an optional argument as range_end');
  const flag = (n: string) => a.flags.get(n);
  const rev = flag('rev') ? Number(flag('rev')) : undefined;
  if (rev !== undefined && rev > b.store.revision()) throw new FutureRevisionError();
  let kvs = select(b.store, key, rangeEnd, a.flags.has('prefix'), a.flags.has('from-key'), rev);
  const sortBy = String(flag('sort-by') ?? 'KEY').toUpperCase();
  const order = String(flag('order') ?? 'ASCEND').toUpperCase();
  if (!SORT[sortBy]) throw new EtcdError(`bad sort target ${flag('sort-by')}`);
  if (order !== 'ASCEND' && order !== 'DESCEND') throw new EtcdError(`bad sort order ${flag('order')}`);
  kvs = [...kvs].sort((x, y) => (SORT[sortBy](x) < SORT[sortBy](y) ? -1 : SORT[sortBy](x) > SORT[sortBy](y) ? 1 : 0) * (order === 'DESCEND' ? -1 : 1));
  const count = kvs.length;
  const limit = flag('limit') ? Number(flag('limit')) : 0;
  const more = limit > 0 && kvs.length > limit;
  if (more) kvs = kvs.slice(0, limit);
  const keysOnly = a.flags.has('keys-only');
  const countOnly = a.flags.has('count-only');
  const h = header(b);
  if (a.writeOut === 'json') {
    const list = countOnly ? '' : `"kvs":[${kvs.map((kv) => kvJson(kv, keysOnly)).join(',')}],`;
    io.out(`{"header":${headerJson(h)},${list}${more ? '"more":true,' : ''}"count":${count}}\n`);
    return;
  }
  if (a.writeOut === 'fields') {
    const lines = [...fieldLines(h), ...(countOnly ? [] : kvs.flatMap((kv) => kvFieldLines(kv, keysOnly))), `"More" : ${more}`, `"Count" : ${count}`];
    io.out(lines.join('\n') + '\n');
    return;
  }
  if (countOnly) return void io.out(`${count}\n`);
  const show = (s: string) => (a.hex ? hex(s) : s);
  for (const kv of kvs) {
    if (a.flags.has('print-value-only')) io.out(`${keysOnly ? '' : show(kv.value)}\n`);
    else io.out(`${show(kv.key)}\n${keysOnly ? '' : show(kv.value)}\n`);
  }
}

async function watch(a: EtcdctlArgs, io: EtcdctlIo, b: EtcdBackend): Promise<number> {
  const [key] = a.args;
  if (key === undefined) throw new EtcdError('watch in non-interactive mode requires one argument as key or prefix, with range end optional');
  const prefix = a.flags.has('prefix');
  const rev = a.flags.get('rev') ? Number(a.flags.get('rev')) : 0;
  const from = rev > 0 ? rev - 1 : b.store.revision();
  if (rev > 0 && rev < b.store.compactedRevision()) {
    io.out(`watch was canceled (etcdserver: mvcc: required revision has been compacted)\n`);
    throw new EtcdError('watch is canceled by the server');
  }
  const print = (events: StoreEvent[]) => {
    for (const ev of events) {
      if (prefix ? !ev.kv.key.startsWith(key) : ev.kv.key !== key) continue;
      const type = ev.type === 'put' ? 'PUT' : 'DELETE';
      if (a.writeOut === 'json')
        io.out(
          `{"Header":${headerJson({ ...header(b), revision: ev.revision })},"Events":[{"type":${ev.type === 'put' ? 0 : 1},"kv":${kvJson(ev.kv, ev.type !== 'put')}}],"CompactRevision":0,"Canceled":false,"Created":false}\n`,
        );
      else io.out(`${type}\n${ev.kv.key}\n${ev.type === 'put' ? ev.kv.value : ''}\n`);
    }
  };
  const w = b.store.watch(prefix ? key : '', from, print);
  await new Promise<void>((res) => (io.signal.aborted ? res() : io.signal.addEventListener('abort', () => res(), { once: true })));
  w.cancel();
  return 0;
}

const USAGE = `etcdctl ${ETCDCTL_VERSION} (API 3.5), against this cluster's store

Usage: etcdctl [global flags] COMMAND [flags] [arguments]

Commands:
  get KEY [RANGE_END]   keys and values (--prefix, --keys-only, --print-value-only, --count-only, --from-key,
                        --limit N, --rev N, --sort-by, --order)
  put KEY VALUE         write a key (not under /registry/, which the API server owns)
  del KEY [RANGE_END]   delete keys (--prefix, --from-key)
  watch KEY             stream changes (--prefix, --rev N)
  compaction REV        drop the history before REV
  defrag                give the space compaction freed back to the file system
  endpoint status       member version, database size, leader, raft term and index
  endpoint health       whether the member answers
  member list           the cluster's members
  snapshot save FILE    write a snapshot of the keyspace
  snapshot status FILE  a snapshot's hash, revision, key count and size
  snapshot restore FILE --data-dir DIR
                        a new data dir from a snapshot (--name, --initial-cluster, --initial-advertise-peer-urls)
  version               etcdctl's version

Global flags: --endpoints, --cacert, --cert, --key, --insecure-skip-tls-verify, -w/--write-out
(simple, json, fields, table), --hex, --command-timeout; ETCDCTL_ENDPOINTS, ETCDCTL_CACERT, ETCDCTL_CERT,
ETCDCTL_KEY and ETCDCTL_WRITE_OUT stand in for them.
`;
