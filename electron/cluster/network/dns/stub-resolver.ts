/**
 * A pod's libc resolver: the nameservers, search list and options of its /etc/resolv.conf, `ndots` deciding
 * whether a name is tried as given first or after the search domains (glibc's res_search; musl agrees for the
 * names pods use), and a timeout when no server answers — which aborts the search as both libcs do.
 */
import { isIP } from 'node:net';
import type { Upstream } from './config';
import { fqdn, type Question, type Reply, type Rcode } from './message';

export interface PodDnsContext {
  podIP: string;
  namespace: string;
  searches: string[];
  nameservers: string[];
  options: string[];
}

export interface LookupResult {
  /** the addresses of the first candidate that had some */
  addresses: string[];
  /** the name that answered (after search expansion), or the last one tried */
  name: string;
  rcode: Rcode | 'TIMEOUT';
}

export type Send = (server: Upstream, q: Question) => Promise<Reply | undefined>;

export function resolvOption(options: string[], name: string, dflt: number): number {
  const hit = options.find((o) => o.startsWith(`${name}:`));
  const n = hit ? Number(hit.slice(name.length + 1)) : NaN;
  return Number.isFinite(n) ? n : dflt;
}

/** the names tried for `name`, in order */
export function searchCandidates(name: string, searches: string[], ndots: number): string[] {
  if (name.endsWith('.')) return [fqdn(name)];
  const expanded = searches.map((s) => fqdn(`${name}.${s}`));
  const dots = name.split('.').length - 1;
  return dots >= ndots ? [fqdn(name), ...expanded] : [...expanded, fqdn(name)];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** asks the nameservers in order; undefined after the resolver's timeout when none answers */
export async function ask(
  ctx: Pick<PodDnsContext, 'nameservers' | 'options'>,
  q: Question,
  send: Send,
  servers?: Upstream[],
): Promise<{ reply: Reply; server: Upstream } | undefined> {
  const list = servers ?? ctx.nameservers.filter((s) => isIP(s)).map((ip) => ({ ip, port: 53 }));
  for (const server of list) {
    const reply = await send(server, q);
    if (reply) return { reply, server };
  }
  await sleep(resolvOption(ctx.options, 'timeout', 5) * 1000);
  return undefined;
}

export async function resolveWithSearch(name: string, ctx: PodDnsContext, send: Send): Promise<LookupResult> {
  if (isIP(name)) return { addresses: [name], name, rcode: 'NOERROR' };
  const ndots = resolvOption(ctx.options, 'ndots', 1);
  let last: LookupResult = { addresses: [], name: fqdn(name), rcode: 'NXDOMAIN' };
  for (const cand of searchCandidates(name, ctx.searches, ndots)) {
    const got = await ask(ctx, { name: cand, type: 'A' }, send);
    if (!got) return { addresses: [], name: cand, rcode: 'TIMEOUT' };
    const { reply } = got;
    // a server failure stops the search (glibc and musl treat it as a temporary error)
    if (reply.rcode === 'SERVFAIL' || reply.rcode === 'REFUSED') return { addresses: [], name: cand, rcode: reply.rcode };
    const addresses = reply.answer.filter((a) => a.type === 'A').map((a) => a.data as string);
    if (reply.rcode === 'NOERROR' && addresses.length) return { addresses, name: cand, rcode: 'NOERROR' };
    last = { addresses: [], name: cand, rcode: reply.rcode };
  }
  return last;
}
