// NodePorts published on the student's machine, like kind's extraPortMappings: a real TCP listener on 127.0.0.1
// (never another interface) per NodePort, on the same port number when it is free, else on an ephemeral one; each
// connection enters the cluster through the first node's IP, as traffic from the docker bridge would.
import * as net from 'node:net';
import type { ClusterNetwork } from './cluster-network';

export interface PublishedPort {
  service: string;
  nodePort: number;
  hostPort: number;
  url: string;
}

export class HostAccess {
  private readonly servers = new Map<number, { server: net.Server; service: string; hostPort: number }>();
  private readonly pending = new Map<number, Promise<void>>();
  private stopped = false;
  private readonly off: () => void;

  constructor(
    private readonly network: ClusterNetwork,
    private readonly entryNodeIP: () => string | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.off = network.proxier.onSync(() => this.reconcile());
    this.reconcile();
  }

  published(): PublishedPort[] {
    return [...this.servers.entries()]
      .map(([nodePort, s]) => ({ service: s.service, nodePort, hostPort: s.hostPort, url: `http://127.0.0.1:${s.hostPort}` }))
      .sort((a, b) => a.nodePort - b.nodePort);
  }

  /** resolves once every current NodePort has its listener (tests, `kubelab start` output) */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all(this.pending.values());
  }

  private reconcile(): void {
    if (this.stopped) return;
    const want = new Map<number, string>();
    for (const r of this.network.proxier.rules()) if (r.nodePort && r.protocol === 'TCP') want.set(r.nodePort, r.service);
    for (const [port, s] of this.servers)
      if (!want.has(port)) {
        s.server.close();
        this.servers.delete(port);
      }
    for (const [port, service] of want) {
      const have = this.servers.get(port);
      if (have) {
        have.service = service;
        continue;
      }
      if (!this.pending.has(port)) this.pending.set(port, this.open(port, service));
    }
  }

  private async open(nodePort: number, service: string): Promise<void> {
    await Promise.resolve(); // registered in pending before the work starts
    try {
      const server = net.createServer((sock) => this.forward(sock, nodePort));
      server.on('error', (e) => this.log(`host access: NodePort ${nodePort}: ${e.message}`));
      const hostPort = await listenLoopback(server, nodePort).catch(() => listenLoopback(server, 0));
      if (this.stopped) {
        server.close();
        return;
      }
      this.servers.set(nodePort, { server, service, hostPort });
      this.log(`host access: ${service} NodePort ${nodePort} on http://127.0.0.1:${hostPort}`);
      this.reconcile();
    } catch (e) {
      this.log(`host access: NodePort ${nodePort}: ${(e as Error).message}`);
    } finally {
      this.pending.delete(nodePort);
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
