/**
 * A parsed Corefile turned into what the simulated CoreDNS runs: per server block its zones and the settings of
 * the plugins KubeLab implements (kubernetes, hosts, rewrite, forward, cache, loadbalance, health, ready,
 * prometheus, reload, errors, log). The other plugins of plugin.cfg are accepted and do nothing here.
 */
import { isIP } from 'node:net';
import { CorefileError, parseCorefile, type Directive } from './corefile';
import { fqdn } from './message';

export interface KubernetesPlugin {
  zones: string[];
  pods: 'disabled' | 'insecure' | 'verified';
  ttl: number;
  fallthrough?: string[];
  namespaces?: string[];
  endpointPodNames: boolean;
  noEndpoints: boolean;
  ignoreEmptyService: boolean;
}

export interface HostsPlugin {
  zones: string[];
  entries: Map<string, string[]>;
  reverse: Map<string, string[]>;
  ttl: number;
  fallthrough?: string[];
}

export interface RewriteRule {
  stop: boolean;
  match: 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';
  from: string;
  to: string;
}

/** an upstream: an IP (a Service VIP, a pod running a DNS server, anything else is unreachable) and port */
export interface Upstream {
  ip: string;
  port: number;
}
export interface ForwardPlugin {
  from: string;
  to: (Upstream | 'resolv.conf')[];
  except: string[];
}

export interface CachePlugin {
  zones: string[];
  ttl: number;
  denialTtl: number;
  disableSuccess: string[];
  disableDenial: string[];
}

export interface ServerConfig {
  zones: string[];
  port: number;
  kubernetes?: KubernetesPlugin;
  hosts?: HostsPlugin;
  rewrite: RewriteRule[];
  forward?: ForwardPlugin;
  cache?: CachePlugin;
  loadbalance: boolean;
  errors: boolean;
  log: boolean;
  health?: { port: number };
  ready?: { port: number };
  prometheus?: { port: number };
  reload?: { intervalMs: number };
  loop: boolean;
}

/** how often the simulated reload plugin looks at the mounted Corefile when the Corefile gives no interval */
export const DEFAULT_RELOAD_MS = 2_000;

const argErr = (d: Directive, detail?: string) =>
  new CorefileError(d.line, detail ?? `Wrong argument count or unexpected line ending after '${d.args.at(-1) ?? d.name}'`);

function durationSeconds(d: Directive, v: string | undefined): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(v ?? '');
  if (!m) throw argErr(d, `invalid duration: "${v}"`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : m[2] === 'h' ? n * 3600 : n;
}

function portOf(addr: string | undefined, def: number): number {
  if (!addr) return def;
  const m = /:(\d+)$/.exec(addr);
  return m ? Number(m[1]) : def;
}

function zonesOr(args: string[], dflt: string[]): string[] {
  return args.length ? args.map(fqdn) : dflt;
}

function parseKey(key: string): { zone: string; port: number } {
  const k = key.replace(/^dns:\/\//, '');
  const m = /^(.*?)(?::(\d+))?$/.exec(k)!;
  return { zone: fqdn(m[1] || '.'), port: m[2] ? Number(m[2]) : 53 };
}

function kubernetes(d: Directive, serverZones: string[]): KubernetesPlugin {
  const k: KubernetesPlugin = {
    zones: zonesOr(d.args, serverZones),
    pods: 'disabled',
    ttl: 5,
    endpointPodNames: false,
    noEndpoints: false,
    ignoreEmptyService: false,
  };
  for (const s of d.block) {
    switch (s.name) {
      case 'pods':
        if (s.args.length !== 1) throw argErr(s);
        if (!['disabled', 'insecure', 'verified'].includes(s.args[0]))
          throw argErr(s, `invalid value for pods: ${s.args[0]}, must be one of: disabled, verified, insecure`);
        k.pods = s.args[0] as KubernetesPlugin['pods'];
        break;
      case 'ttl': {
        const n = Number(s.args[0]);
        if (s.args.length !== 1 || !Number.isInteger(n)) throw argErr(s);
        if (n < 0 || n > 3600) throw argErr(s, `ttl must be in range [0, 3600]: ${n}`);
        k.ttl = n;
        break;
      }
      case 'fallthrough':
        k.fallthrough = s.args.length ? s.args.map(fqdn) : ['.'];
        break;
      case 'namespaces':
        if (!s.args.length) throw argErr(s);
        k.namespaces = s.args;
        break;
      case 'endpoint_pod_names':
        k.endpointPodNames = true;
        break;
      case 'noendpoints':
        k.noEndpoints = true;
        break;
      case 'ignore':
        if (s.args[0] !== 'empty_service') throw argErr(s, `unable to parse ignore value: '${s.args[0] ?? ''}'`);
        k.ignoreEmptyService = true;
        break;
      case 'endpoint':
      case 'tls':
      case 'kubeconfig':
      case 'labels':
      case 'namespace_labels':
      case 'multicluster':
      case 'startup_timeout':
      case 'apiserver_qps':
      case 'apiserver_burst':
      case 'apiserver_max_inflight':
        break;
      default:
        throw argErr(s, `unknown property '${s.name}'`);
    }
  }
  return k;
}

function hosts(d: Directive, serverZones: string[]): HostsPlugin {
  // the first argument is a hosts file when it is not a zone of the server block (`hosts /etc/hosts example.org`)
  const args = [...d.args];
  if (args.length && (args[0].startsWith('/') || args[0].includes('hosts'))) args.shift();
  const h: HostsPlugin = { zones: zonesOr(args, serverZones), entries: new Map(), reverse: new Map(), ttl: 3600 };
  for (const s of d.block) {
    if (s.name === 'ttl') {
      h.ttl = Number(s.args[0]);
      if (!Number.isInteger(h.ttl) || h.ttl < 0) throw argErr(s, `ttl provided is invalid: ${s.args[0]}`);
      continue;
    }
    if (s.name === 'fallthrough') {
      h.fallthrough = s.args.length ? s.args.map(fqdn) : ['.'];
      continue;
    }
    if (s.name === 'no_reverse' || s.name === 'reload') continue;
    // an inline hosts line: address then names
    if (!isIP(s.name)) throw argErr(s, `unknown property '${s.name}'`);
    for (const n of s.args) {
      const name = fqdn(n);
      h.entries.set(name, [...(h.entries.get(name) ?? []), s.name]);
      h.reverse.set(s.name, [...(h.reverse.get(s.name) ?? []), name]);
    }
  }
  return h;
}

function rewrite(d: Directive): RewriteRule {
  const a = [...d.args];
  let stop = true;
  if (a[0] === 'continue' || a[0] === 'stop') stop = a.shift() === 'stop';
  if (a[0] !== 'name') {
    // rules on other fields (class, type, edns0, ttl) are accepted but not simulated
    if (!['class', 'type', 'edns0', 'ttl', 'cname', 'rcode'].includes(a[0] ?? '')) throw argErr(d, `invalid rule type "${a[0] ?? ''}"`);
    return { stop, match: 'exact', from: '', to: '' };
  }
  a.shift();
  let match: RewriteRule['match'] = 'exact';
  if (['exact', 'prefix', 'suffix', 'substring', 'regex'].includes(a[0])) match = a.shift() as RewriteRule['match'];
  const [from, to] = a;
  if (!from || !to) throw argErr(d);
  if (match === 'regex') {
    try {
      new RegExp(from);
    } catch {
      throw argErr(d, `invalid regex pattern in a name rule: ${from}`);
    }
  }
  const norm = (s: string) => (match === 'exact' ? fqdn(s) : s.toLowerCase());
  return { stop, match, from: norm(from), to: norm(to) };
}

function forward(d: Directive): ForwardPlugin {
  if (d.args.length < 2) throw argErr(d);
  const [from, ...targets] = d.args;
  const to = targets.map((t): Upstream | 'resolv.conf' => {
    if (t.startsWith('/')) return 'resolv.conf';
    const x = t.replace(/^dns:\/\//, '');
    const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(x);
    if (!m || !isIP(m[1])) throw new CorefileError(d.line, `not an IP address or file: "${t}"`);
    return { ip: m[1], port: m[2] ? Number(m[2]) : 53 };
  });
  const except: string[] = [];
  for (const s of d.block) {
    if (s.name === 'except') except.push(...s.args.map(fqdn));
    else if (
      !['force_tcp', 'prefer_udp', 'expire', 'max_fails', 'tls', 'tls_servername', 'policy', 'health_check', 'max_concurrent', 'next', 'failover'].includes(
        s.name,
      )
    )
      throw argErr(s, `unknown property '${s.name}'`);
  }
  return { from: fqdn(from), to, except };
}

function cache(d: Directive): CachePlugin {
  const a = [...d.args];
  let ttl = 3600;
  if (a.length && /^\d+$/.test(a[0])) ttl = Number(a.shift());
  const c: CachePlugin = { zones: zonesOr(a, ['.']), ttl, denialTtl: Math.min(ttl, 1800), disableSuccess: [], disableDenial: [] };
  for (const s of d.block) {
    if (s.name === 'disable') {
      if (s.args[0] !== 'success' && s.args[0] !== 'denial') throw argErr(s, `cache type for disable must be "success" or "denial"`);
      (s.args[0] === 'success' ? c.disableSuccess : c.disableDenial).push(...(s.args.length > 1 ? s.args.slice(1).map(fqdn) : ['.']));
    } else if (s.name === 'success' || s.name === 'denial') {
      if (s.args[1]) {
        const n = Number(s.args[1]);
        if (s.name === 'success') c.ttl = n;
        else c.denialTtl = n;
      }
    } else if (!['prefetch', 'serve_stale', 'servfail', 'keepttl'].includes(s.name)) throw argErr(s, `unknown property '${s.name}'`);
  }
  return c;
}

function serverConfig(keys: string[], directives: Directive[]): ServerConfig {
  const parsed = keys.map(parseKey);
  const zones = parsed.map((k) => k.zone);
  const cfg: ServerConfig = { zones, port: parsed[0]?.port ?? 53, rewrite: [], loadbalance: false, errors: false, log: false, loop: false };
  const seen = new Set<string>();
  for (const d of directives) {
    // most plugins may appear once per server block; CoreDNS says so at setup
    if (seen.has(d.name) && !['rewrite', 'forward', 'bind', 'log', 'template', 'import'].includes(d.name)) {
      throw new CorefileError(d.line, `plugin/${d.name}: this plugin can only be used once per Server Block`);
    }
    seen.add(d.name);
    switch (d.name) {
      case 'kubernetes':
        cfg.kubernetes = kubernetes(d, zones);
        break;
      case 'hosts':
        cfg.hosts = hosts(d, zones);
        break;
      case 'rewrite':
        cfg.rewrite.push(rewrite(d));
        break;
      case 'forward':
        if (cfg.forward) throw new CorefileError(d.line, 'plugin/forward: this plugin can only be used once per Server Block');
        cfg.forward = forward(d);
        break;
      case 'cache':
        cfg.cache = cache(d);
        break;
      case 'loadbalance':
        cfg.loadbalance = true;
        break;
      case 'errors':
        cfg.errors = true;
        break;
      case 'log':
        cfg.log = true;
        break;
      case 'loop':
        cfg.loop = true;
        break;
      case 'health':
        cfg.health = { port: portOf(d.args[0], 8080) };
        break;
      case 'ready':
        cfg.ready = { port: portOf(d.args[0], 8181) };
        break;
      case 'prometheus':
        cfg.prometheus = { port: portOf(d.args[0], 9153) };
        break;
      case 'reload':
        cfg.reload = { intervalMs: d.args[0] ? Math.max(2, durationSeconds(d, d.args[0])) * 1000 : DEFAULT_RELOAD_MS };
        break;
    }
  }
  return cfg;
}

export interface CoreDnsConfig {
  servers: ServerConfig[];
}

/** parses and sets up a Corefile; throws CorefileError with CoreDNS's wording when it does not */
export function loadCorefile(src: string): CoreDnsConfig {
  return { servers: parseCorefile(src).map((b) => serverConfig(b.keys, b.directives)) };
}
