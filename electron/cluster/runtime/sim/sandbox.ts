import type { Duplex } from 'node:stream';
import type { PodSandboxConfig } from '../interface';
import type { KernelFlavour } from './kernel';
import { isIP } from 'node:net';
import type { ResolveFrom, SimNetwork } from './network';
import { NetError } from './network';
import type { Question, Reply } from '../../network/dns/message';
import { duplexPair } from './net/duplex-pair';
import { PidNamespace } from './pid-namespace';
import { SimProcess } from './process';

export type ConnectionHandler = (sock: Duplex, from: { ip: string }) => void;

/** A pod's shared network namespace: pod IP listeners (via SimNetwork) plus localhost. */
export class SimSandbox {
  state: 'ready' | 'notready' = 'ready';
  readonly createdAt = Date.now();
  private readonly local = new Map<number, ConnectionHandler>();
  /** the pod's PID namespace when it shares one (shareProcessNamespace); the pause process is its PID 1 */
  readonly pidns?: PidNamespace;
  private readonly pause?: SimProcess;

  constructor(
    readonly id: string,
    readonly config: PodSandboxConfig,
    readonly handler: string,
    readonly kernel: KernelFlavour,
    private readonly network: SimNetwork,
  ) {
    if (config.shareProcessNamespace) {
      this.pidns = new PidNamespace();
      const discard = () => undefined;
      // the pause image runs as 65535; as a namespace's init it only ends with its sandbox (signals sent from inside
      // the namespace without a handler are ignored by the kernel for PID 1)
      this.pause = new SimProcess(this.pidns.allocate(), ['/pause'], 65535, discard, discard, discard);
      for (const sig of ['TERM', 'INT', 'HUP', 'QUIT', 'USR1', 'USR2'] as const) this.pause.handle(sig, discard);
      this.pidns.add(this.pause);
    }
  }

  /** ends the pause process: called when the sandbox stops */
  stopPause(): void {
    this.pause?.exited(0);
  }

  get ip(): string {
    return this.config.podIPs[0] ?? '127.0.0.1';
  }

  /** the network namespace containerd would have created for the sandbox (a CNI-named bind mount) */
  get netnsPath(): string {
    const h = this.id.replace(/[^0-9a-f]/g, '').padEnd(32, '0');
    return `/var/run/netns/cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  /** binds a TCP port on every address of the pod (0.0.0.0); returns the unbind function */
  listen(port: number, onConnection: ConnectionHandler): () => void {
    if (this.local.has(port)) throw new NetError('EADDRINUSE', `bind: Address in use (port ${port})`);
    // hostNetwork pods share the node's port space: a port another pod on the node holds fails here, and the
    // addresses already bound are let go again
    const offs: (() => void)[] = [];
    try {
      for (const ip of this.config.podIPs) offs.push(this.network.listen(ip, port, 'tcp', onConnection));
    } catch (e) {
      offs.forEach((f) => f());
      throw e;
    }
    this.local.set(port, onConnection);
    return () => {
      if (this.local.get(port) === onConnection) this.local.delete(port);
      offs.forEach((f) => f());
    };
  }

  listeningPorts(): number[] {
    return [...this.local.keys()].sort((a, b) => a - b);
  }

  /** a connection that stays inside the pod (localhost, probes, port-forward) */
  connectLocal(port: number, fromIp = '127.0.0.1'): Duplex {
    const h = this.local.get(port);
    if (!h) throw new NetError('ECONNREFUSED', `connect 127.0.0.1:${port}: connection refused`);
    const [client, server] = duplexPair();
    h(server, { ip: fromIp });
    return client;
  }

  /** connects from a container in this pod to host:port; a name is looked up first, as the libc resolver does in the pod */
  async connect(host: string, port: number): Promise<Duplex> {
    if (host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' || (this.config.podIPs.includes(host) && this.local.has(port)))
      return this.connectLocal(port);
    let ip = host;
    if (!isIP(host)) {
      const ips = await this.resolve(host);
      if (!ips.length) throw new NetError('ENOTFOUND', `bad address '${host}'`);
      ip = ips[0];
      if (this.config.podIPs.includes(ip) && this.local.has(port)) return this.connectLocal(port);
    }
    return this.network.connect({ podIP: this.ip, namespace: this.config.namespace }, ip, port);
  }

  /** /etc/hosts first (localhost, the pod's own names, hostAliases), then DNS through resolv.conf */
  resolve(name: string): Promise<string[]> {
    const n = name.toLowerCase().replace(/\.$/, '');
    if (n === 'localhost') return Promise.resolve(['127.0.0.1']);
    if (n === this.config.hostname.toLowerCase() || (this.config.fqdn && n === this.config.fqdn)) return Promise.resolve([this.ip]);
    const alias = (this.config.hostAliases ?? []).filter((a) => a.hostnames.some((h) => h.toLowerCase() === n)).map((a) => a.ip);
    if (alias.length) return Promise.resolve(alias);
    return this.network.resolve(name, this.dnsFrom());
  }

  /** the pod's resolv.conf as the resolver sees it */
  dnsFrom(): ResolveFrom {
    const d = this.config.dns;
    return { namespace: this.config.namespace, searches: d.searches, podIP: this.ip, nameservers: d.servers, options: d.options };
  }

  /** one query to a nameserver (nslookup, dig, host); undefined when nothing answers */
  dnsExchange(server: { ip: string; port: number }, q: Question): Promise<Reply | undefined> {
    return this.network.dnsExchange?.(this.ip, server, q) ?? Promise.resolve(undefined);
  }
}
