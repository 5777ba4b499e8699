// etcdutl v3.5: the offline tool that works on files — snapshot status and restore — with no server connection,
// so it takes no endpoints or certificates.
import { parseEtcdctlArgs, UsageError } from './flags';
import { SnapshotError, snapshotRestore, snapshotStatus, type SnapshotIo } from './snapshot';
import { ETCDCTL_VERSION } from './etcdctl';

const USAGE = `etcdutl ${ETCDCTL_VERSION}, on etcd's files

Usage: etcdutl [-w simple|json|table] COMMAND [flags] [arguments]

Commands:
  snapshot status FILE   a snapshot's (or a data dir's member/snap/db) hash, revision, key count and size
  snapshot restore FILE --data-dir DIR
                         a new data dir from a snapshot (--name, --initial-cluster, --initial-advertise-peer-urls,
                         --initial-cluster-token, --wal-dir)
  version                etcdutl's version
`;

export async function runEtcdutl(argv: string[], env: Record<string, string | undefined>, io: SnapshotIo): Promise<number> {
  try {
    const a = parseEtcdctlArgs(argv, env);
    const name = a.command.join(' ');
    if (name === '') io.out(USAGE);
    else if (name === 'version') io.out(`etcdutl version: ${ETCDCTL_VERSION}\nAPI version: 3.5\n`);
    else if (name === 'snapshot status') await snapshotStatus(a, io);
    else if (name === 'snapshot restore') await snapshotRestore(a, io);
    else throw new UsageError(`unknown command "${a.command[0]}" for "etcdutl"`);
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof SnapshotError)) throw e;
    io.err(`Error: ${e.message}\n`);
    return 1;
  }
}
