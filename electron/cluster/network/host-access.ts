// NodePorts published on the student's machine, like kind's extraPortMappings: a real TCP listener on 127.0.0.1
// (never another interface) per NodePort, on the same port number when it is free, else on an ephemeral one; each
// connection enters the cluster through the first node's IP, as traffic from the docker bridge would. Entry points
// (the ingress controller's HTTP and HTTPS, kind's 80/443 mappings) get their own listener on the first free port
// of their preferred list, leading to the Service port's NodePort.
import * as net from 'node:net';
import type { ClusterNetwork } from './cluster-network';

export interface PublishedPort {
  service: string;
  nodePort: number;
  hostPort: number;
  url: string;
  /** set for an entry point: what it serves (the ingress controller's `http` or `https`) */
  entry?: 'http' | 'https';
}

/** a Service port published on a fixed host port when free (kind's extraPortMappings for the ingress controller) */
export interface EntryPoint {
  /** namespace/name */
  service: string;
  port: number;
  scheme: 'http' | 'https';
  /** host ports tried in order before an ephemeral one */
  preferred: number[];
}

interface Listener {
  server: net.Server;
  service: string;
  hostPort: number;
  nodePort: number;
  entry?: EntryPoint;
}

export class HostAccess {
  /** by `np/<nodePort>` or `entry/<scheme>` */
  private readonly servers = new Map<string, Listener>();
  private readonly pending = new Map<string, Promise<void>>();
  private stopped = false;
  private readonly off: () => void;
  private readonly changeListeners = new Set<() => void>();

  constructor(
    private readonly network: ClusterNetwork,
    private readonly entryNodeIP: () => string | undefined,
    private readonly log: (line: string) => void,
    private readonly entryPoints: EntryPoint[] = [],
  ) {
    this.off = network.proxier.onSync(() => this.reconcile());
    this.reconcile();
  }

  published(): PublishedPort[] {
    return (
      [...this.servers.values()]
        .map((s) => ({
          service: s.service,
          nodePort: s.nodePort,
          hostPort: s.hostPort,
          url: `${s.entry?.scheme ?? 'http'}://127.0.0.1:${s.hostPort}`,
          ...(s.entry ? { entry: s.entry.scheme } : {}),
        }))
        // the entry points first (http, https), then NodePorts by number
        .sort((a, b) => rank(a.entry) - rank(b.entry) || a.nodePort - b.nodePort)
    );
  }

  /** calls fn whenever a host port opens or closes (the app's cluster view lists them); returns the unsubscribe */
  onChange(fn: () => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }
  private changed(): void {
    for (const fn of this.changeListeners) fn();
  }

  /** resolves once every current NodePort has its listener (tests, `kubelab start` output) */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all(this.pending.values());
  }

  private reconcile(): void {
    if (this.stopped) return;
    const want = new Map<string, { service: string; nodePort: number; entry?: EntryPoint }>();
    for (const r of this.network.proxier.rules()) {
      if (!r.nodePort || r.protocol !== 'TCP') continue;
      want.set(`np/${r.nodePort}`, { service: r.service, nodePort: r.nodePort });
      for (const entry of this.entryPoints)
        if (entry.service === r.service && entry.port === r.port) want.set(`entry/${entry.scheme}`, { service: r.service, nodePort: r.nodePort, entry });
    }
    for (const [k, s] of this.servers) {
      const w = want.get(k);
      if (!w) {
        s.server.close();
        this.servers.delete(k);
        this.changed();
      } else {
        // an entry point follows its Service port's NodePort; a NodePort listener keeps its number
        s.service = w.service;
        s.nodePort = w.nodePort;
      }
    }
    for (const [k, w] of want) if (!this.servers.has(k) && !this.pending.has(k)) this.pending.set(k, this.open(k, w));
  }

  private async open(key: string, w: { service: string; nodePort: number; entry?: EntryPoint }): Promise<void> {
    await Promise.resolve(); // registered in pending before the work starts
    const what = w.entry ? `${w.service} ${w.entry.scheme.toUpperCase()}` : `NodePort ${w.nodePort}`;
    try {
      const listener: Listener = {
        server: net.createServer((sock) => this.forward(sock, listener.nodePort)),
        service: w.service,
        hostPort: 0,
        nodePort: w.nodePort,
        entry: w.entry,
      };
      listener.server.on('error', (e) => this.log(`host access: ${what}: ${e.message}`));
      let hostPort: number | undefined;
      for (const port of w.entry ? w.entry.preferred : [w.nodePort]) {
        hostPort = await listenLoopback(listener.server, port).catch(() => undefined);
        if (hostPort !== undefined) break;
      }
      listener.hostPort = hostPort ?? (await listenLoopback(listener.server, 0));
      if (this.stopped) {
        listener.server.close();
        return;
      }
      this.servers.set(key, listener);
      this.changed();
      this.log(
        `host access: ${w.service} ${w.entry ? `${w.entry.scheme.toUpperCase()} (ingress)` : `NodePort ${w.nodePort}`} on ${w.entry?.scheme ?? 'http'}://127.0.0.1:${listener.hostPort}`,
      );
      this.reconcile();
    } catch (e) {
      this.log(`host access: ${what}: ${(e as Error).message}`);
    } finally {
      this.pending.delete(key);
    }
  }

  private forward(sock: net.Socket, nodePort: number): void {
    const ip = this.entryNodeIP();
    sock.on('error', () => sock.destroy());
    if (!ip) {
      sock.destroy();
      return;
    }
    this.network.connectFromHost(ip, nodePort).then(
      (inner) => {
        inner.on('error', () => sock.destroy());
        sock.pipe(inner);
        inner.pipe(sock);
        sock.on('close', () => inner.destroy());
        inner.on('close', () => sock.destroy());
      },
      () => sock.resetAndDestroy(),
    );
  }

  stop(): void {
    this.stopped = true;
    this.off();
    for (const s of this.servers.values()) s.server.close();
    this.servers.clear();
  }
}

const rank = (entry: string | undefined) => (entry === 'http' ? 0 : entry === 'https' ? 1 : 2);

function listenLoopback(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: '127.0.0.1', port, exclusive: true });
  });
}
