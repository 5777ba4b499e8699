// The control-plane node's etcd member as the etcd static pod runs it: which data dir on the node holds the data the
// cluster's store serves, and whether a member is serving at all. The store itself stays the one the API server
// opened; putting another data dir into service (the CKA restore: `etcdutl snapshot restore --data-dir X`, then the
// etcd-data hostPath in /etc/kubernetes/manifests/etcd.yaml pointed at X) makes the store hold that dir's keys, and
// the data dir it leaves gets its keys written to member/snap/db, so pointing etcd back at it brings them back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Store } from '../../store/types';
import { parseSnapshot, SnapshotError, snapshotOf } from '../../store/etcdctl/snapshot';

/** the data dir kubeadm gives etcd (etcd.yaml's etcd-data volume and --data-dir) */
export const KUBEADM_ETCD_DATA_DIR = '/var/lib/etcd';
const DB = path.join('member', 'snap', 'db');

export interface EtcdMemberOptions {
  /** the node's root folder (<nodeDir>/host) */
  hostRoot: string;
  /** where the node path of the data dir in service is kept across restarts */
  stateFile: string;
  store: Store;
  /** makes the store's keys exactly these (the cluster's restore machinery; one transaction) */
  replaceKeys(kvs: Map<string, string>): Promise<unknown>;
  log(msg: string): void;
}

export class EtcdMember {
  private running = 0;
  /** whether an etcd pod has run since the cluster started: before that, the store serves (kubeadm init's etcd) */
  private started = false;
  private live: string;

  constructor(private readonly o: EtcdMemberOptions) {
    this.live = KUBEADM_ETCD_DATA_DIR;
    try {
      this.live = fs.readFileSync(o.stateFile, 'utf8').trim() || KUBEADM_ETCD_DATA_DIR;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') o.log(`etcd: reading ${o.stateFile}: ${(err as Error).message}`);
    }
  }

  /** whether etcd answers on 2379 (the API server and etcdctl reach it) */
  get serving(): boolean {
    return !this.started || this.running > 0;
  }

  /** the node path of the data dir the store holds */
  get dataDir(): string {
    return this.live;
  }

  /**
   * An etcd process starts on `hostDir` (the real folder behind its --data-dir, or undefined when no volume holds
   * it): resolves with undefined once it serves, or with why it refuses to.
   */
  async start(hostDir: string | undefined, shown: string): Promise<string | undefined> {
    this.started = true;
    const nodePath = hostDir && this.nodePath(hostDir);
    if (nodePath === this.live) {
      this.running++;
      return undefined;
    }
    const problem = await this.switchTo(hostDir, nodePath, shown);
    if (!problem) this.running++;
    return problem;
  }

  /** an etcd process stopped */
  stop(): void {
    this.running = Math.max(0, this.running - 1);
  }

  private nodePath(hostDir: string): string | undefined {
    const rel = path.relative(this.o.hostRoot, hostDir);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return '/' + rel.split(path.sep).join('/');
  }

  private async switchTo(hostDir: string | undefined, nodePath: string | undefined, shown: string): Promise<string | undefined> {
    let text: string | undefined;
    try {
      text = hostDir && nodePath ? fs.readFileSync(path.join(hostDir, DB), 'utf8') : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return `reading ${path.posix.join(shown, 'member/snap/db')}: ${(err as Error).message}`;
    }
    // upstream etcd would found a new, empty cluster here; KubeLab cannot bootstrap a cluster again, so it refuses
    const where = nodePath ? (nodePath === shown ? shown : `${shown} (the node's ${nodePath})`) : `${shown} (in the container, on no volume)`;
    if (text === undefined)
      return `KubeLab: data dir ${where} holds no etcd data (no member/snap/db); etcd would start a new, empty cluster there, which KubeLab does not do: point etcd at a data dir that etcdutl snapshot restore --data-dir wrote, or back at ${this.live}`;
    let kvs: Map<string, string>;
    try {
      kvs = new Map(parseSnapshot(text).kvs.map((kv) => [kv.key, kv.value]));
    } catch (err) {
      if (!(err instanceof SnapshotError)) throw err;
      return `${path.posix.join(shown, 'member/snap/db')}: invalid database (data dir ${where})`;
    }
    // the dir being left keeps what it holds now, as a stopped etcd's files do
    const leaving = path.join(this.o.hostRoot, this.live, DB);
    fs.mkdirSync(path.dirname(leaving), { recursive: true });
    fs.writeFileSync(leaving, snapshotOf(this.o.store), { mode: 0o600 });
    await this.o.replaceKeys(kvs);
    this.o.log(`etcd: serving the data of ${nodePath} (was ${this.live}), revision ${this.o.store.revision()}`);
    this.live = nodePath!;
    fs.writeFileSync(this.o.stateFile, this.live + '\n');
    return undefined;
  }
}
