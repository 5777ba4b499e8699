/**
 * The data path of the simulated ingress-nginx: HTTP on :80 and HTTPS on :443 of the controller pod, /healthz on
 * :10254. A request is routed as nginx would with the configuration ingress-nginx writes (routing.ts), then proxied
 * to one ready endpoint of the backend Service taken from its EndpointSlices, round robin — ingress-nginx balances
 * over endpoints itself and does not go through the Service VIP unless `service-upstream` says so. HTTPS ends at
 * the controller, with the certificate of the Secret a `tls` entry names for the SNI host, else the controller's
 * fake certificate.
 */
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Secret, Service } from 'kubernetes-types/core/v1';
import { httpRequest, serveHttp, type HttpRequest, type HttpResponse } from '../../runtime/sim/programs/http';
import { nginxErrorPage } from '../../runtime/sim/programs/servers';
import type { SimSandbox } from '../../runtime/sim/sandbox';
import { ANN, findServer, route, type Backend, type RouteTable } from './routing';

export interface IngressWorld {
  routes(): RouteTable;
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, service: string): EndpointSlice[];
  secret(namespace: string, name: string): Secret | undefined;
  annotations(ingress: string): Record<string, string>;
}

const TEXT: Record<number, string> = {
  308: 'Permanent Redirect',
  404: 'Not Found',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};
// ingress-nginx runs nginx with server_tokens off
const SERVER = 'nginx';
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'server', 'date', 'upgrade', 'proxy-connection']);

const page = (status: number, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  statusText: TEXT[status],
  body: nginxErrorPage(status, TEXT[status] ?? '', SERVER),
  headers: { 'Content-Type': 'text/html', ...headers },
});

const canonical = (h: string) => h.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

interface Upstream {
  name: string;
  address?: string;
  status?: number;
}

export class IngressProxy {
  private readonly rr = new Map<string, number>();
  private readonly contexts = new Map<string, { version: string; ctx?: tls.SecureContext }>();
  private requests = 0;

  constructor(
    private readonly sandbox: SimSandbox,
    private readonly world: IngressWorld,
    private readonly fake: tls.SecureContext,
    private readonly access: (line: string) => void,
    private readonly error: (line: string) => void,
  ) {}

  /** binds :80, :443 and :10254 in the pod; returns the unbind function */
  listen(healthy: () => boolean): () => void {
    const offs = [
      this.sandbox.listen(80, (sock, from) => serveHttp(sock, (req) => this.handle(req, 'http', from.ip), SERVER)),
      this.sandbox.listen(443, (sock, from) => this.serveTls(sock, from.ip)),
      this.sandbox.listen(10254, (sock) =>
        serveHttp(sock, (req) => (req.path.startsWith('/healthz') && healthy() ? { status: 200, body: 'ok' } : { status: 500, body: 'not ready' }), SERVER),
      ),
    ];
    return () => offs.forEach((off) => off());
  }

  // never listens: Node calls a TLS socket's SNICallback only for sockets that belong to a server
  private readonly tlsServer = tls.createServer({ SNICallback: (name, cb) => cb(null, this.contextFor(name)) });

  private serveTls(sock: Duplex, clientIP: string): void {
    const secure = new tls.TLSSocket(sock as unknown as import('node:net').Socket, {
      isServer: true,
      server: this.tlsServer,
      // clients without SNI (an address in the URL) get the fake certificate
      secureContext: this.fake,
      SNICallback: (name, cb) => cb(null, this.contextFor(name)),
    });
    secure.on('error', (e) => this.error(`TLS handshake from ${clientIP}: ${e.message.trim()}`));
    serveHttp(secure, (req) => this.handle(req, 'https', clientIP), SERVER);
  }

  /** the certificate of the host's tls Secret; the fake one when the Secret is missing or not a usable TLS pair */
  private contextFor(servername: string): tls.SecureContext {
    const server = findServer(this.world.routes(), servername);
    const ref = server && server.host !== '_' ? server.tlsSecret : undefined;
    if (!ref) return this.fake;
    const [ns, name] = ref.split('/');
    const secret = this.world.secret(ns, name);
    if (!secret) {
      this.error(`Error getting SSL certificate "${ref}": local SSL certificate ${ref} was not found. Using default certificate`);
      return this.fake;
    }
    const version = secret.metadata?.resourceVersion ?? '';
    const cached = this.contexts.get(ref);
    if (cached?.version === version) return cached.ctx ?? this.fake;
    let ctx: tls.SecureContext | undefined;
    try {
      const data = secret.data ?? {};
      const cert = Buffer.from(data['tls.crt'] ?? '', 'base64').toString();
      const key = Buffer.from(data['tls.key'] ?? '', 'base64').toString();
      ctx = tls.createSecureContext({ cert, key });
    } catch (e) {
      this.error(`Error obtaining X.509 certificate: unexpected error creating SSL Cert: ${(e as Error).message} (secret ${ref}). Using default certificate`);
    }
    this.contexts.set(ref, { version, ctx });
    return ctx ?? this.fake;
  }

  async handle(req: HttpRequest, scheme: 'http' | 'https', clientIP: string): Promise<HttpResponse> {
    const started = Date.now();
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const m = route(this.world.routes(), host, req.path);
    let res: HttpResponse;
    let upstream: Upstream = { name: 'upstream-default-backend' };
    const redirect = m.kind === 'location' && scheme === 'http' && m.location.sslRedirect && m.server.host !== '_';
    if (redirect) res = page(308, { Location: `https://${host}${req.path}` });
    else if (m.kind === 'default') res = page(404);
    else {
      const backend = m.kind === 'location' ? m.location.backend : m.backend;
      const ingress = m.kind === 'location' ? m.location.ingress : m.ingress;
      ({ res, upstream } = await this.proxy(req, backend, m.upstreamPath, scheme, clientIP, ingress));
    }
    this.requests++;
    const bytes = typeof res.body === 'string' ? Buffer.byteLength(res.body) : res.body.length;
    const secs = ((Date.now() - started) / 1000).toFixed(3);
    this.access(
      `${clientIP} - - [${accessTime(new Date())}] "${req.method} ${req.path} ${req.version}" ${res.status} ${bytes} "${req.headers.referer ?? '-'}" "${req.headers['user-agent'] ?? '-'}" ${req.body.length + 80} ${secs} [${upstream.name}] [] ${upstream.address ?? '-'} ${upstream.address ? bytes : '-'} ${upstream.address ? secs : '-'} ${upstream.status ?? '-'} ${requestId(this.requests)}`,
    );
    return res;
  }

  private async proxy(
    req: HttpRequest,
    b: Backend,
    path: string,
    scheme: string,
    clientIP: string,
    ingress: string,
  ): Promise<{ res: HttpResponse; upstream: Upstream }> {
    if (!b.service) return { res: page(503), upstream: { name: 'upstream-default-backend' } };
    const name = `${b.namespace}-${b.service.name}-${b.service.port.number ?? b.service.port.name}`;
    const target = this.pick(b, this.world.annotations(ingress)[`${ANN}service-upstream`] === 'true');
    if (!target) return { res: page(503), upstream: { name } };
    const address = `${target.ip}:${target.port}`;
    try {
      const sock = await this.sandbox.connect(target.ip, target.port);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && k !== 'host') headers[canonical(k)] = v;
      Object.assign(headers, {
        'X-Request-ID': requestId(this.requests + 1),
        'X-Real-IP': clientIP,
        'X-Forwarded-For': clientIP,
        'X-Forwarded-Host': req.headers.host ?? '',
        'X-Forwarded-Port': scheme === 'https' ? '443' : '80',
        'X-Forwarded-Proto': scheme,
        'X-Forwarded-Scheme': scheme,
        'X-Scheme': scheme,
      });
      const r = await httpRequest(sock, req.method, req.headers.host ?? '', path, headers, req.body.toString('latin1'), 60_000);
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers)) if (!HOP_BY_HOP.has(k)) out[canonical(k)] = v;
      return { res: { status: r.status, statusText: r.statusText, headers: out, body: r.body }, upstream: { name, address, status: r.status } };
    } catch (e) {
      const code = (e as { code?: string }).code;
      const timedOut = code === 'ETIMEDOUT';
      this.error(
        `${timedOut ? 'upstream timed out (110: Operation timed out)' : 'connect() failed (111: Connection refused)'} while connecting to upstream, client: ${clientIP}, server: ${req.headers.host ?? '_'}, request: "${req.method} ${req.path} ${req.version}", upstream: "http://${address}${path}", host: "${req.headers.host ?? ''}"`,
      );
      return { res: page(timedOut ? 504 : 502), upstream: { name, address, status: timedOut ? 504 : 502 } };
    }
  }

  /** one ready endpoint of the backend's Service port, round robin; the ClusterIP with service-upstream */
  private pick(b: Backend, serviceUpstream: boolean): { ip: string; port: number } | undefined {
    const ref = b.service!;
    const svc = this.world.service(b.namespace, ref.name);
    if (!svc) return undefined;
    const sp = (svc.spec?.ports ?? []).find((p) => (ref.port.name ? p.name === ref.port.name : p.port === ref.port.number));
    if (!sp) return undefined;
    if (svc.spec?.type === 'ExternalName') return svc.spec.externalName ? { ip: svc.spec.externalName, port: Number(sp.targetPort ?? sp.port) } : undefined;
    if (serviceUpstream) return svc.spec?.clusterIP && svc.spec.clusterIP !== 'None' ? { ip: svc.spec.clusterIP, port: sp.port } : undefined;
    const targets: { ip: string; port: number }[] = [];
    for (const s of this.world.slices(b.namespace, ref.name)) {
      const port = (s.ports ?? []).find((p) => (p.name ?? '') === (sp.name ?? '') && (p.protocol ?? 'TCP') === 'TCP')?.port;
      if (port === undefined || port === null) continue;
      for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false) for (const ip of e.addresses.slice(0, 1)) targets.push({ ip, port });
    }
    if (!targets.length) return undefined;
    targets.sort((x, y) => x.ip.localeCompare(y.ip));
    const k = `${b.namespace}/${ref.name}:${sp.port}`;
    const i = (this.rr.get(k) ?? 0) % targets.length;
    this.rr.set(k, i + 1);
    return targets[i];
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
/** nginx's $time_local, in UTC like the controller image */
function accessTime(d: Date): string {
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

function requestId(n: number): string {
  return n.toString(16).padStart(32, '0');
}
