import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import { duplexPair } from './net/duplex-pair';
import type { PodSandboxConfig } from '../interface';
import type { Question, Reply } from '../../network/dns/message';

/** who asks a name: the pod and its resolv.conf (namespace and searches always; the rest when the sandbox knows it) */
export interface ResolveFrom {
  namespace: string;
  searches: string[];
  podIP?: string;
  nameservers?: string[];
  options?: string[];
}
/** one DNS query from a pod to a nameserver: the reply, or undefined when nothing answers (the client times out) */
export type DnsExchange = (fromIP: string, server: { ip: string; port: number }, q: Question) => Promise<Reply | undefined>;

/**
 * What the container simulator needs from the cluster network. The cluster's network component implements it
 * (Services, DNS, NetworkPolicy behind connect()); createLocalSimNetwork is a small in-memory one for tests.
 */
export interface SimNetwork {
  listen(ip: string, port: number, proto: 'tcp' | 'udp', onConnection: (sock: Duplex, from: { ip: string }) => void): () => void;
  /** rejects with an Error whose `code` is ECONNREFUSED, ETIMEDOUT or ENOTFOUND */
  connect(from: { podIP: string; namespace: string }, host: string, port: number): Promise<Duplex>;
  resolve(name: string, from: ResolveFrom): Promise<string[]>;
  /** DNS queries for nslookup, dig and host; without it every query goes unanswered */
  dnsExchange?: DnsExchange;
  /** CNI ADD/DEL: the runtime reports sandboxes entering and leaving the pod network (optional for test networks) */
  attach?(sandboxId: string, config: PodSandboxConfig): void;
  detach?(sandboxId: string): void;
}

export class NetError extends Error {
  constructor(
    public readonly code: 'ECONNREFUSED' | 'ETIMEDOUT' | 'ENOTFOUND' | 'EADDRINUSE',
    message: string,
  ) {
    super(message);
  }
}

export interface LocalSimNetworkOptions {
  /** name → IPs (a test's stand-in for cluster DNS) */
  resolve?: (name: string, from: ResolveFrom) => string[] | undefined | Promise<string[] | undefined>;
  dnsExchange?: DnsExchange;
}

export function createLocalSimNetwork(opts: LocalSimNetworkOptions = {}): SimNetwork {
  const listeners = new Map<string, (sock: Duplex, from: { ip: string }) => void>();
  const key = (ip: string, port: number, proto: string) => `${proto}/${ip}:${port}`;
  const net: SimNetwork = {
    listen(ip, port, proto, onConnection) {
      const k = key(ip, port, proto);
      if (listeners.has(k)) throw new NetError('EADDRINUSE', `listen ${ip}:${port}: address already in use`);
      listeners.set(k, onConnection);
      return () => {
        if (listeners.get(k) === onConnection) listeners.delete(k);
      };
    },
    async connect(from, host, port) {
      let ip = host;
      if (!isIP(host)) {
        const ips = await net.resolve(host, { namespace: from.namespace, searches: [] });
        if (!ips.length) throw new NetError('ENOTFOUND', `bad address '${host}'`);
        ip = ips[0];
      }
      const handler = listeners.get(key(ip, port, 'tcp')) ?? listeners.get(key('0.0.0.0', port, 'tcp'));
      if (!handler) throw new NetError('ECONNREFUSED', `connect ${ip}:${port}: connection refused`);
      const [client, server] = duplexPair();
      handler(server, { ip: from.podIP });
      return client;
    },
    async resolve(name, from) {
      if (isIP(name)) return [name];
      return (await opts.resolve?.(name, from)) ?? [];
    },
    dnsExchange: opts.dnsExchange,
  };
  return net;
}
