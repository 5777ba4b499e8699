// Owns the embedded cluster for the app: starts it with visible progress, restarts it on "reset", stops it on quit.
import { rmSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, deleteRuntimeResources, type Cluster, type ClusterOptions } from '../cluster';
import type { ClusterStatus } from './ipc-contract';
import { DEFAULT_PROFILE, profileDir, rememberProfile } from './cluster-profiles';

export interface ClusterHostOptions {
  dataDir: string;
  /** the cluster profile to run (default: "default", the data dir itself); see cluster-profiles.ts */
  profile?: string;
  runtime?: 'sim' | 'docker';
  /** undefined: 6443 or a free port, like `kubelab start` */
  port?: number;
  /** the kubectl that pods of kubectl images run (the app's bundled one) */
  kubectlBinary?: string;
  start?: (o: ClusterOptions) => Promise<Cluster>;
}

export class ClusterHost {
  private cluster: Cluster | undefined;
  private starting: Promise<Cluster> | undefined;
  private status: ClusterStatus = { phase: 'stopped', message: 'not started', log: [] };
  private listeners = new Set<(s: ClusterStatus) => void>();
  private readyListeners = new Set<(c: Cluster) => void>();
  private profileName: string;
  /** a new profile's topology file, used on its first start (afterwards its cluster.json remembers it) */
  private configFile: string | undefined;

  constructor(private opts: ClusterHostOptions) {
    this.profileName = opts.profile ?? DEFAULT_PROFILE;
  }

  get current(): Cluster | undefined {
    return this.cluster;
  }
  /** the running profile's folder */
  get dataDir(): string {
    return profileDir(this.opts.dataDir, this.profileName);
  }
  get profile(): string {
    return this.profileName;
  }

  /**
   * Stops the running cluster and starts the profile's (created from `configFile` the first time). Terminals and
   * views follow through onReady; the choice is remembered for the next launch.
   */
  async useProfile(name: string, configFile?: string, runtime = this.opts.runtime): Promise<Cluster> {
    profileDir(this.opts.dataDir, name); // checks the name before anything stops
    if (name === this.profileName && this.cluster) return this.cluster;
    await this.stop();
    this.profileName = name;
    this.configFile = configFile;
    rememberProfile(this.opts.dataDir, name);
    return this.start(runtime);
  }
  getStatus(): ClusterStatus {
    return { ...this.status, log: [...this.status.log] };
  }
  onStatus(fn: (s: ClusterStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  /** called with every (re)started cluster */
  onReady(fn: (c: Cluster) => void): () => void {
    this.readyListeners.add(fn);
    return () => this.readyListeners.delete(fn);
  }

  private set(phase: ClusterStatus['phase'], message: string): void {
    const line = `${new Date().toISOString().slice(11, 19)} ${message}`;
    const log = [...this.status.log, line].slice(-200);
    this.status = { phase, message, log, server: this.cluster?.server, kubeconfigPath: this.cluster?.kubeconfigPath, profile: this.profileName };
    for (const l of this.listeners) l(this.getStatus());
  }

  start(runtime = this.opts.runtime): Promise<Cluster> {
    if (this.cluster) return Promise.resolve(this.cluster);
    this.starting ??= (async () => {
      this.set('starting', `starting the cluster${this.profileName === DEFAULT_PROFILE ? '' : ` "${this.profileName}"`} in ${this.dataDir}`);
      const t0 = Date.now();
      try {
        const c = await (this.opts.start ?? startCluster)({
          dataDir: this.dataDir,
          port: this.opts.port,
          runtime,
          configFile: this.configFile,
          kubectlBinary: this.opts.kubectlBinary,
          // the cluster keeps logging once it runs (CNI ADD/DEL, host ports): those lines must not turn it back to starting
          log: (l) => this.set(this.cluster ? this.status.phase : 'starting', l),
        });
        this.cluster = c;
        this.set('ready', `cluster ready in ${Date.now() - t0} ms (${c.server})`);
        for (const l of this.readyListeners) l(c);
        return c;
      } catch (e) {
        this.set('error', `the cluster failed to start: ${(e as Error).message}`);
        throw e;
      } finally {
        this.starting = undefined;
      }
    })();
    return this.starting;
  }

  async ready(): Promise<Cluster> {
    return this.cluster ?? this.start();
  }

  async stop(): Promise<void> {
    // a failed start was reported as the 'error' status already; stopping goes on from there
    if (this.starting) await this.starting.catch(() => undefined);
    const c = this.cluster;
    if (!c) return;
    this.set('stopping', 'stopping the cluster');
    this.cluster = undefined;
    await c.stop();
    this.set('stopped', 'cluster stopped');
  }

  /** removes the cluster's state (store, PKI, node state) but keeps the app's own files (settings, progress) */
  async reset(runtime = this.opts.runtime): Promise<Cluster> {
    await this.stop();
    this.set('starting', 'removing the cluster state');
    // its Docker containers and network (if it ever used the Docker runtime) go with it
    await deleteRuntimeResources(this.dataDir, (l) => this.set('starting', l)).catch((e) => this.set('starting', `docker clean-up: ${(e as Error).message}`));
    // the other profiles' clusters live under profiles/ and are not this cluster's state
    const keep = new Set(['ui-settings.json', 'ui-progress.json', 'report-key', 'terminal', 'labs', 'profiles']);
    // a lab's profile keeps its topology: a fresh cluster of the same shape
    if (this.profileName !== DEFAULT_PROFILE) keep.add('cluster.json');
    if (existsSync(this.dataDir)) {
      for (const f of readdirSync(this.dataDir)) if (!keep.has(f)) rmSync(join(this.dataDir, f), { recursive: true, force: true });
    }
    return this.start(runtime);
  }
}
