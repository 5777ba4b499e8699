/**
 * One CoreDNS process's query handling: the server block for the query's zone, then its plugins in CoreDNS's
 * fixed order (plugin.cfg: log, errors, loadbalance, cache, rewrite, hosts, kubernetes, forward) whatever their
 * order in the Corefile.
 */
import { isIP } from 'node:net';
import type { CachePlugin, CoreDnsConfig, HostsPlugin, RewriteRule, ServerConfig, Upstream } from './config';
import { kubernetesAnswer, type ClusterView } from './kubernetes-records';
import { emptyReply, fqdn, inZone, ipFromReverse, RCODE_NUMBER, type Question, type Reply, type RR } from './message';

/** how long the forward plugin waits on an upstream that never answers before it gives SERVFAIL */
export const FORWARD_TIMEOUT_MS = 2_000;
const MAX_DEPTH = 8;

export interface UpstreamNet {
  /** the reply of whatever DNS server answers at `to` (a pod or a Service VIP), undefined when nothing does */
  exchange(to: Upstream, q: Question, depth: number): Promise<Reply | undefined>;
  /** the coredns pod's own /etc/resolv.conf nameservers (dnsPolicy Default: the node's) */
  resolvConf(): string[];
  sleep(ms: number): Promise<void>;
}

interface CacheEntry {
  reply: Reply;
  expires: number;
}

function longestZone(name: string, zones: string[]): string | undefined {
  return zones.filter((z) => inZone(name, z)).sort((a, b) => b.length - a.length)[0];
}

function cloneReply(r: Reply): Reply {
  return {
    ...r,
    question: { ...r.question },
    answer: r.answer.map((x) => ({ ...x })),
    authority: r.authority.map((x) => ({ ...x })),
    additional: r.additional.map((x) => ({ ...x })),
  };
}

export class CoreDnsServer {
  private readonly caches = new Map<ServerConfig, Map<string, CacheEntry>>();

  constructor(
    readonly config: CoreDnsConfig,
    private readonly view: ClusterView,
    private readonly podIP: string,
    private readonly net: UpstreamNet,
    private readonly log: (line: string) => void,
  ) {}

  async handle(question: Question, client: { ip: string; port: number; proto: 'udp' | 'tcp' }, depth = 0): Promise<Reply> {
    const started = process.hrtime.bigint();
    const q: Question = { name: fqdn(question.name), type: question.type };
    const server = this.serverFor(q.name);
    let reply: Reply;
    let err: string | undefined;
    if (!server) reply = emptyReply(q, 'REFUSED');
    else {
      try {
        ({ reply, err } = await this.chain(server, q, depth));
      } catch (e) {
        reply = emptyReply(q, 'SERVFAIL');
        err = (e as Error).message;
      }
      if (server.errors && err) this.log(`[ERROR] plugin/errors: ${RCODE_NUMBER[reply.rcode]} ${q.name} ${q.type}: ${err}`);
      if (server.log) {
        const took = Number(process.hrtime.bigint() - started) / 1e9;
        const flags = ['qr', reply.authoritative ? 'aa' : '', 'rd', reply.recursionAvailable ? 'ra' : ''].filter(Boolean).join(',');
        this.log(
          `[INFO] ${client.ip}:${client.port} - ${Math.floor(Math.random() * 65535)} "${q.type} IN ${q.name} ${client.proto} ${q.name.length + 18} false 512" ${reply.rcode} ${flags} ${64 + reply.answer.length * 16} ${took.toFixed(9)}s`,
        );
      }
    }
    return reply;
  }

  /** the server block on :53 whose zone is the longest match for the name */
  private serverFor(name: string): ServerConfig | undefined {
    let best: ServerConfig | undefined;
    let bestLen = -1;
    for (const s of this.config.servers) {
      if (s.port !== 53) continue;
      const z = longestZone(name, s.zones);
      if (z && z.length > bestLen) {
        best = s;
        bestLen = z.length;
      }
    }
    return best;
  }

  private async chain(s: ServerConfig, original: Question, depth: number): Promise<{ reply: Reply; err?: string }> {
    const cacheable = s.cache && longestZone(original.name, s.cache.zones);
    const key = `${original.name}/${original.type}`;
    if (cacheable) {
      const hit = this.cacheOf(s).get(key);
      if (hit && hit.expires > Date.now()) return { reply: this.balance(s, agedCopy(hit)) };
    }
    const { q, rule } = rewriteName(s.rewrite, original);
    const resolved = await this.resolve(s, q, depth);
    const reply = rule ? revertName(resolved.reply, original, q.name) : resolved.reply;
    const err = resolved.err;
    if (cacheable && s.cache) this.store(s.cache, s, key, reply);
    return { reply: this.balance(s, reply), err };
  }

  private async resolve(s: ServerConfig, q: Question, depth: number): Promise<{ reply: Reply; err?: string }> {
    if (s.hosts && longestZone(q.name, s.hosts.zones)) {
      const r = hostsAnswer(s.hosts, q);
      if (r) return { reply: r };
      if (!s.hosts.fallthrough?.some((z) => inZone(q.name, z))) return { reply: emptyReply(q, 'SERVFAIL') };
    }
    const k = s.kubernetes;
    const kz = k && longestZone(q.name, k.zones);
    if (k && kz) {
      const r = kubernetesAnswer(k, kz, q, this.view);
      if (r !== 'fallthrough') {
        // a CNAME (ExternalName) comes with its target's addresses, looked up through this server as CoreDNS's upstream does
        const cname = r.answer.find((a) => a.type === 'CNAME');
        if (cname && q.type !== 'CNAME' && depth < MAX_DEPTH) {
          const t = await this.resolve(s, { name: cname.data as string, type: q.type }, depth + 1).catch(() => undefined);
          if (t?.reply.rcode === 'NOERROR') r.answer.push(...t.reply.answer);
        }
        return { reply: r };
      }
    }
    const f = s.forward;
    if (f && inZone(q.name, f.from) && !f.except.some((z) => inZone(q.name, z))) {
      if (depth >= MAX_DEPTH) return { reply: emptyReply(q, 'SERVFAIL'), err: 'plugin/forward: loop detected' };
      const targets = f.to.flatMap((t) =>
        t === 'resolv.conf'
          ? this.net
              .resolvConf()
              .filter((ip) => isIP(ip))
              .map((ip) => ({ ip, port: 53 }))
          : [t],
      );
      for (const t of targets) {
        const r = await this.net.exchange(t, q, depth + 1);
        if (r) return { reply: { ...r, authoritative: false, recursionAvailable: true } };
      }
      await this.net.sleep(FORWARD_TIMEOUT_MS);
      const t = targets[0];
      const port = 30000 + Math.floor(Math.random() * 30000);
      return {
        reply: emptyReply(q, 'SERVFAIL'),
        err: t ? `read udp ${this.podIP}:${port}->${t.ip}:${t.port}: i/o timeout` : 'plugin/forward: no nameservers found',
      };
    }
    return { reply: emptyReply(q, 'SERVFAIL'), err: `plugin/${k ? 'kubernetes' : 'forward'}: no next plugin found` };
  }

  private cacheOf(s: ServerConfig): Map<string, CacheEntry> {
    let c = this.caches.get(s);
    if (!c) {
      c = new Map();
      this.caches.set(s, c);
    }
    return c;
  }

  private store(c: CachePlugin, s: ServerConfig, key: string, reply: Reply): void {
    const name = reply.question.name;
    const success = reply.rcode === 'NOERROR' && reply.answer.length > 0;
    const denial = reply.rcode === 'NXDOMAIN' || (reply.rcode === 'NOERROR' && !reply.answer.length);
    if (!success && !denial) return;
    if (success && c.disableSuccess.some((z) => inZone(name, z))) return;
    if (denial && c.disableDenial.some((z) => inZone(name, z))) return;
    const recordTtl = Math.min(...[...reply.answer, ...reply.authority].map((r) => r.ttl), Infinity);
    const ttl = Math.min(success ? c.ttl : c.denialTtl, recordTtl === Infinity ? c.ttl : recordTtl);
    if (ttl <= 0) return;
    this.cacheOf(s).set(key, { reply: cloneReply(reply), expires: Date.now() + ttl * 1000 });
  }

  /** loadbalance: the A/AAAA records of an answer in a random rotation, as round_robin does */
  private balance(s: ServerConfig, r: Reply): Reply {
    if (!s.loadbalance || r.answer.length < 2) return r;
    const addr = r.answer.filter((a) => a.type === 'A' || a.type === 'AAAA');
    if (addr.length < 2) return r;
    const shift = Math.floor(Math.random() * addr.length);
    const rotated = [...addr.slice(shift), ...addr.slice(0, shift)];
    return { ...r, answer: [...r.answer.filter((a) => a.type !== 'A' && a.type !== 'AAAA'), ...rotated] };
  }
}

/** a cached reply with its TTLs counted down, as CoreDNS's cache serves it */
function agedCopy(e: CacheEntry): Reply {
  const r = cloneReply(e.reply);
  const left = Math.max(0, Math.ceil((e.expires - Date.now()) / 1000));
  for (const rr of [...r.answer, ...r.authority, ...r.additional]) rr.ttl = Math.min(rr.ttl, left);
  return r;
}

function hostsAnswer(h: HostsPlugin, q: Question): Reply | undefined {
  const rr = (name: string, type: RR['type'], data: string): RR => ({ name, type, ttl: h.ttl, data });
  if (q.type === 'PTR') {
    const ip = ipFromReverse(q.name);
    const names = ip ? h.reverse.get(ip) : undefined;
    if (!names) return undefined;
    return { ...emptyReply(q, 'NOERROR', true), answer: names.map((n) => rr(q.name, 'PTR', n)) };
  }
  const ips = h.entries.get(q.name);
  if (!ips) return undefined;
  const want = q.type === 'AAAA' ? 6 : 4;
  return {
    ...emptyReply(q, 'NOERROR', true),
    answer: q.type === 'A' || q.type === 'AAAA' ? ips.filter((ip) => isIP(ip) === want).map((ip) => rr(q.name, q.type as 'A', ip)) : [],
  };
}

function rewriteName(rules: RewriteRule[], q: Question): { q: Question; rule?: RewriteRule } {
  let name = q.name;
  let applied: RewriteRule | undefined;
  for (const r of rules) {
    if (!r.from) continue;
    let next: string | undefined;
    if (r.match === 'exact' && name === r.from) next = r.to;
    else if (r.match === 'prefix' && name.startsWith(r.from)) next = r.to + name.slice(r.from.length);
    else if (r.match === 'suffix' && name.endsWith(r.from)) next = name.slice(0, -r.from.length) + r.to;
    else if (r.match === 'substring' && name.includes(r.from)) next = name.replace(r.from, r.to);
    else if (r.match === 'regex') {
      const m = new RegExp(r.from).exec(name);
      if (m) next = r.to.replace(/\{(\d+)\}/g, (_x, i: string) => m[Number(i)] ?? '');
    }
    if (next === undefined) continue;
    name = fqdn(next);
    applied = r;
    if (r.stop) break;
  }
  return { q: { ...q, name }, rule: applied };
}

/** the question goes back to what the client asked, and so do answers for the rewritten name */
function revertName(r: Reply, original: Question, rewritten: string): Reply {
  const back = (rr: RR) => (rr.name === rewritten ? { ...rr, name: original.name } : rr);
  return { ...r, question: original, answer: r.answer.map(back), authority: r.authority, additional: r.additional };
}
