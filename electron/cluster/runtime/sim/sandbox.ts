import type { Duplex } from 'node:stream';
import type { PodSandboxConfig } from '../interface';
import type { KernelFlavour } from './kernel';
import type { SimNetwork } from './network';
import { NetError } from './network';
import { duplexPair } from './net/duplex-pair';

export type ConnectionHandler = (sock: Duplex, from: { ip: string }) => void;

/** A pod's shared network namespace: pod IP listeners (via SimNetwork) plus localhost. */
export class SimSandbox {
  state: 'ready' | 'notready' = 'ready';
  readonly createdAt = Date.now();
  private readonly local = new Map<number, ConnectionHandler>();

  constructor(readonly id: string, readonly config: PodSandboxConfig, readonly handler: string, readonly kernel: KernelFlavour, private readonly network: SimNetwork) {}

  get ip(): string { return this.config.podIPs[0] ?? '127.0.0.1'; }

  /** the network namespace containerd would have created for the sandbox (a CNI-named bind mount) */
  get netnsPath(): string {
    const h = this.id.replace(/[^0-9a-f]/g, '').padEnd(32, '0');
    return `/var/run/netns/cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  /** binds a TCP port on every address of the pod (0.0.0.0); returns the unbind function */
  listen(port: number, onConnection: ConnectionHandler): () => void {
    if (this.local.has(port)) throw new NetError('EADDRINUSE', `bind: Address in use (port ${port})`);
    this.local.set(port, onConnection);
    const offs = this.config.podIPs.map((ip) => this.network.listen(ip, port, 'tcp', onConnection));
    return () => { if (this.local.get(port) === onConnection) this.local.delete(port); offs.forEach((f) => f()); };
  }

  listeningPorts(): number[] { return [...this.local.keys()].sort((a, b) => a - b); }

  /** a connection that stays inside the pod (localhost, probes, port-forward) */
  connectLocal(port: number, fromIp = '127.0.0.1'): Duplex {
    const h = this.local.get(port);
    if (!h) throw new NetError('ECONNREFUSED', `connect 127.0.0.1:${port}: connection refused`);
    const [client, server] = duplexPair();
    h(server, { ip: fromIp });
    return client;
  }

  /** connects from a container in this pod to host:port */
  async connect(host: string, port: number): Promise<Duplex> {
    if (host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' || this.config.podIPs.includes(host) && this.local.has(port)) return this.connectLocal(port);
    return this.network.connect({ podIP: this.ip, namespace: this.config.namespace }, host, port);
  }

  resolve(name: string): Promise<string[]> {
    if (name === 'localhost') return Promise.resolve(['127.0.0.1']);
    if (name === this.config.hostname) return Promise.resolve([this.ip]);
    return this.network.resolve(name, { namespace: this.config.namespace, searches: this.config.dns.searches });
  }
}
