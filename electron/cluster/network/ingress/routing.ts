/**
 * How ingress-nginx turns the Ingresses it serves into nginx servers and locations, and which location a request
 * lands on. Pure, so the controller program and its unit tests share one computation.
 *
 * What ingress-nginx does (and this follows): one nginx server per host, the paths of every Ingress naming that
 * host merged into it (the oldest Ingress wins a host+path both define); rules without a host and every unknown
 * host go to the catch-all server `_`. Host lookup is nginx's server_name: an exact name first, then the longest
 * matching `*.` wildcard (nginx lets it span several labels). Locations: `Exact` is `location = /p`; `Prefix` is
 * matched element-wise (`/foo` matches `/foo` and `/foo/bar`, not `/foobar`); `ImplementationSpecific` is a plain
 * nginx prefix. With `use-regex` or `rewrite-target` on any Ingress of a host, every path of that host is a
 * case-insensitive regex anchored at the start, tried longest path first. Without a matching location a host's
 * request goes to the `defaultBackend` of the Ingress defining that host, an unknown host's to the defaultBackend of
 * an Ingress without rules, else to the controller's own default backend (404).
 */
import type { IngressBackend, IngressTLS, Ingress as KIngress } from 'kubernetes-types/networking/v1';

export const ANN = 'nginx.ingress.kubernetes.io/';

export interface Backend {
  namespace: string;
  /** `service` backends only; a `resource` backend has no Service to proxy to (ingress-nginx answers 503) */
  service?: { name: string; port: { number?: number; name?: string } };
}

export interface Location {
  path: string;
  pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  backend: Backend;
  /** namespace/name of the Ingress that defines it */
  ingress: string;
  regex: boolean;
  rewriteTarget?: string;
  sslRedirect: boolean;
}

export interface Server {
  host: string;
  locations: Location[];
  fallback?: { backend: Backend; ingress: string };
  /** the Secret named by a `tls` entry listing this host (namespace/name), or '' when the entry has none */
  tlsSecret?: string;
}

export interface RouteTable {
  servers: Map<string, Server>;
}

export type Match =
  | { kind: 'location'; server: Server; location: Location; upstreamPath: string }
  | { kind: 'fallback'; server: Server; backend: Backend; ingress: string; upstreamPath: string }
  | { kind: 'default'; server?: Server };

const created = (i: KIngress) => i.metadata?.creationTimestamp ?? '';
const key = (i: KIngress) => `${i.metadata?.namespace}/${i.metadata?.name}`;

function backendOf(b: IngressBackend, namespace: string): Backend {
  return { namespace, service: b.service ? { name: b.service.name, port: { number: b.service.port?.number, name: b.service.port?.name } } : undefined };
}

function bool(v: string | undefined, dflt: boolean): boolean {
  return v === undefined ? dflt : v === 'true';
}

/** the routing table for the Ingresses the controller serves (already filtered by class) */
export function buildRoutes(ingresses: KIngress[]): RouteTable {
  const sorted = [...ingresses].sort((a, b) => created(a).localeCompare(created(b)) || key(a).localeCompare(key(b)));
  const servers = new Map<string, Server>();
  const server = (host: string) => {
    let s = servers.get(host);
    if (!s) servers.set(host, (s = { host, locations: [] }));
    return s;
  };
  const regexHosts = new Set<string>();
  for (const ing of sorted) {
    const ann = ing.metadata?.annotations ?? {};
    const regex = bool(ann[`${ANN}use-regex`], false) || ann[`${ANN}rewrite-target`] !== undefined;
    if (regex) for (const r of ing.spec?.rules ?? []) regexHosts.add(r.host ?? '_');
  }
  for (const ing of sorted) {
    const ns = ing.metadata?.namespace ?? 'default';
    const ann = ing.metadata?.annotations ?? {};
    const tlsHosts = new Map<string, IngressTLS>();
    for (const t of ing.spec?.tls ?? []) for (const h of t.hosts ?? []) tlsHosts.set(h, t);
    const sslRedirect = bool(ann[`${ANN}ssl-redirect`], true);
    const force = bool(ann[`${ANN}force-ssl-redirect`], false);
    for (const rule of ing.spec?.rules ?? []) {
      const host = rule.host ?? '_';
      const s = server(host);
      const tls = tlsHosts.get(host);
      if (tls && s.tlsSecret === undefined) s.tlsSecret = tls.secretName ? `${ns}/${tls.secretName}` : '';
      for (const p of rule.http?.paths ?? []) {
        const path = p.path || '/';
        const pathType = (p.pathType ?? 'ImplementationSpecific') as Location['pathType'];
        if (s.locations.some((l) => l.path === path && l.pathType === pathType)) continue;
        s.locations.push({
          path,
          pathType,
          backend: backendOf(p.backend, ns),
          ingress: key(ing),
          regex: regexHosts.has(host),
          rewriteTarget: ann[`${ANN}rewrite-target`],
          sslRedirect: force || (sslRedirect && !!tls),
        });
      }
      if (ing.spec?.defaultBackend && !s.fallback) s.fallback = { backend: backendOf(ing.spec.defaultBackend, ns), ingress: key(ing) };
    }
    // the catch-all server answers with the defaultBackend of an Ingress that has no rules (the oldest one)
    if (ing.spec?.defaultBackend && !(ing.spec.rules ?? []).length) {
      const s = server('_');
      s.fallback ??= { backend: backendOf(ing.spec.defaultBackend, ns), ingress: key(ing) };
    }
  }
  return { servers };
}

/** nginx's server_name lookup: exact, then the longest `*.suffix` wildcard, then the catch-all */
export function findServer(t: RouteTable, host: string): Server | undefined {
  const h = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const exact = t.servers.get(h);
  if (exact && h !== '_') return exact;
  let best: Server | undefined;
  for (const s of t.servers.values())
    if (s.host.startsWith('*.') && h.endsWith(s.host.slice(1)) && h.length > s.host.length - 1 && (!best || s.host.length > best.host.length)) best = s;
  return best ?? t.servers.get('_');
}

function prefixMatches(prefix: string, path: string): boolean {
  // element-wise: "/foo/" and "/foo" are the same prefix; "/foo" does not match "/foobar"
  const p = prefix.replace(/\/+$/, '');
  if (p === '') return true;
  return path === p || path.startsWith(p + '/');
}

function regexOf(l: Location): RegExp | undefined {
  try {
    return new RegExp(`^${l.path}`, 'i');
  } catch {
    return undefined;
  }
}

/** the location nginx picks for `path` (no query string) on server `s`, and the path sent upstream */
export function matchLocation(s: Server, path: string): { location: Location; upstreamPath: string } | undefined {
  const exact = s.locations.find((l) => l.pathType === 'Exact' && l.path === path);
  if (exact) return { location: exact, upstreamPath: rewrite(exact, path) };
  const rest = s.locations.filter((l) => l.pathType !== 'Exact');
  // ingress-nginx orders a server's locations by path length, longest first
  const byLength = [...rest].sort((a, b) => b.path.length - a.path.length || (a.pathType === 'Prefix' ? -1 : 1));
  for (const l of byLength) {
    const ok = l.regex ? !!regexOf(l)?.test(path) : l.pathType === 'Prefix' ? prefixMatches(l.path, path) : path.startsWith(l.path);
    if (ok) return { location: l, upstreamPath: rewrite(l, path) };
  }
  return undefined;
}

/** nginx's `rewrite "(?i)<path>" <target> break;`: the whole URI becomes the target, `$n` the path's captures */
function rewrite(l: Location, path: string): string {
  if (l.rewriteTarget === undefined) return path;
  const m = (l.regex ? regexOf(l) : new RegExp(`^${l.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i'))?.exec(path);
  if (!m) return path;
  return l.rewriteTarget.replace(/\$(\d)/g, (_s, n: string) => m[Number(n)] ?? '');
}

/** the route for a request: a location, the Ingress default backend, or the controller's default backend */
export function route(t: RouteTable, host: string, pathWithQuery: string): Match {
  const q = pathWithQuery.indexOf('?');
  const path = q >= 0 ? pathWithQuery.slice(0, q) : pathWithQuery;
  const query = q >= 0 ? pathWithQuery.slice(q) : '';
  const s = findServer(t, host);
  if (!s) return { kind: 'default' };
  const m = matchLocation(s, path);
  if (m) return { kind: 'location', server: s, location: m.location, upstreamPath: m.upstreamPath + query };
  const fb = s.fallback;
  if (fb) return { kind: 'fallback', server: s, backend: fb.backend, ingress: fb.ingress, upstreamPath: pathWithQuery };
  return { kind: 'default', server: s };
}
