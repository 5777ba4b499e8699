// One AdmissionReview POST from the API server to a webhook, as kube-apiserver's webhook client makes it: a
// Service is reached at its ClusterIP (kube-apiserver's default ClusterIP service resolver) through the
// control-plane node's view of the pod network, over TLS verified against caBundle for the name
// `<service>.<namespace>.svc`; a URL's host is dialled as given. Failures carry the Go client's words
// (`Post "https://…?timeout=10s": dial tcp 10.96.0.5:443: connect: connection refused`).
import http from 'node:http';
import { isIP } from 'node:net';
import tls, { type PeerCertificate } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Service } from 'kubernetes-types/core/v1';
import type { AdmissionLookup } from '../types';

export type WebhookDial = (ip: string, port: number) => Promise<Duplex>;

export interface ClientConfig {
  url?: string;
  service?: { namespace?: string; name?: string; path?: string; port?: number };
  caBundle?: string;
}

/** a failure to call the webhook (upstream's ErrCallingWebhook reason) */
export class CallError extends Error {}

interface Target {
  /** what the Go client prints: the URL it posts to */
  url: string;
  /** the name the certificate must be valid for */
  host: string;
  /** where the connection goes, or why there is nowhere to go */
  dial: { ip: string; port: number } | { error: string };
}

/** Go's time.Duration.String() of whole seconds */
const duration = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`);

function target(cc: ClientConfig, timeoutSeconds: number, lookup: AdmissionLookup): Target {
  const query = `?timeout=${duration(timeoutSeconds)}`;
  if (cc.service) {
    const { namespace = '', name = '', port = 443 } = cc.service;
    let path = cc.service.path ?? '/';
    if (!path.startsWith('/')) path = `/${path}`;
    const host = `${name}.${namespace}.svc`;
    const url = `https://${host}:${port}${path}${query}`;
    const svc = lookup.get({ group: '', version: 'v1', resource: 'services' }, namespace, name) as Service | undefined;
    if (!svc) return { url, host, dial: { error: `service "${name}" not found` } };
    if (svc.spec?.type === 'ExternalName') return { url, host, dial: { error: `dial tcp: lookup ${svc.spec.externalName}: no such host` } };
    if (svc.spec?.clusterIP === 'None') return { url, host, dial: { error: 'cannot route to service with ClusterIP "None"' } };
    const sp = (svc.spec?.ports ?? []).find((p) => p.port === port);
    if (!sp || !svc.spec?.clusterIP) return { url, host, dial: { error: `no service port ${port} found for service "${name}"` } };
    return { url, host, dial: { ip: svc.spec.clusterIP, port } };
  }
  const u = new URL(cc.url ?? '');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 443);
  const url = `https://${u.host}${u.pathname}${query}`;
  // the API server resolves names with its node's resolver, which knows no cluster names
  if (!isIP(host)) return { url, host, dial: { error: `dial tcp: lookup ${host}: no such host` } };
  return { url, host, dial: { ip: host, port } };
}

/** the Go TLS stack's verdict on a certificate Node's checks rejected */
function tlsReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'EPROTO':
      return 'http: server gave HTTP response to HTTPS client';
    default:
      return err.message;
  }
}

/** Go's hostname verification: SANs only (no Common Name fallback), in crypto/x509's words */
function checkName(host: string, cert: PeerCertificate): Error | undefined {
  const sans = (cert.subjectaltname ?? '').split(', ').filter(Boolean);
  const dns = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const ips = sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice(11));
  const fail = (m: string) => Object.assign(new Error(`tls: failed to verify certificate: x509: ${m}`), { code: 'KUBELAB_GO_X509' });
  if (isIP(host)) {
    if (ips.includes(host)) return undefined;
    return fail(
      ips.length ? `certificate is valid for ${ips.join(', ')}, not ${host}` : `cannot validate certificate for ${host} because it doesn't contain any IP SANs`,
    );
  }
  if (!dns.length) {
    const cn = cert.subject?.CN;
    return fail(
      cn ? 'certificate relies on legacy Common Name field, use SANs instead' : `certificate is not valid for any names, but wanted to match ${host}`,
    );
  }
  // wildcard and case rules are the same as Node's; the SAN-only decision is Go's
  if (!tls.checkServerIdentity(host, { ...cert, subject: { ...cert.subject, CN: '' } } as PeerCertificate)) return undefined;
  return fail(`certificate is valid for ${dns.join(', ')}, not ${host}`);
}

/** client-go's text for an HTTP error answer that is no Status */
function httpStatusReason(code: number, body: string): string {
  switch (code) {
    case 400:
      return 'the server rejected our request for an unknown reason';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'forbidden: ' + body.trim();
    case 404:
      return 'the server could not find the requested resource';
    case 405:
      return 'the server does not allow this method on the requested resource';
    case 429:
      return 'the server has received too many requests and has asked us to try again later';
    case 503:
      return 'the server is currently unable to handle the request';
    case 504:
      return 'the server was unable to return a response in the time allotted, but may still be processing the request';
    default:
      return `an error on the server (${JSON.stringify(body.trim())}) has prevented the request from succeeding`;
  }
}

/** POSTs the review and returns the webhook's decoded answer; a CallError says why there is none */
export async function callWebhook(cc: ClientConfig, body: unknown, timeoutSeconds: number, lookup: AdmissionLookup, dial: WebhookDial): Promise<unknown> {
  const t = target(cc, timeoutSeconds, lookup);
  const failed = (reason: string) => new CallError(`failed to call webhook: Post "${t.url}": ${reason}`);
  if ('error' in t.dial) throw failed(t.dial.error);
  const { ip, port } = t.dial;
  const addr = `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
  const ca = cc.caBundle ? Buffer.from(cc.caBundle, 'base64').toString() : undefined;
  const payload = Buffer.from(JSON.stringify(body));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failed('context deadline exceeded')), timeoutSeconds * 1000);
  });
  let sock: Duplex | undefined;
  const exchange = (async () => {
    try {
      sock = await dial(ip, port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw failed(
        `dial tcp ${addr}: ${code === 'ECONNREFUSED' ? 'connect: connection refused' : code === 'ETIMEDOUT' ? 'i/o timeout' : (err as Error).message}`,
      );
    }
    const secure = tls.connect({
      socket: sock as never,
      ca,
      servername: isIP(t.host) ? undefined : t.host,
      checkServerIdentity: (_servername, cert) => checkName(t.host, cert),
    });
    return new Promise<unknown>((resolve, reject) => {
      const req = http.request(
        {
          method: 'POST',
          host: t.host,
          port,
          path: t.url.slice(t.url.indexOf('/', 8)),
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json, */*',
            'User-Agent': 'kube-apiserver-admission',
            'Content-Length': String(payload.length),
          },
          createConnection: () => secure as never,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(failed(e.message)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            const code = res.statusCode ?? 0;
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch (e) {
              if (code >= 200 && code < 300)
                return reject(new CallError(`failed to call webhook: couldn't get version/kind; json parse error: ${(e as Error).message}`));
            }
            if (code < 200 || code > 299) {
              const status = parsed as { kind?: string; message?: string } | undefined;
              return reject(
                new CallError(`failed to call webhook: ${status?.kind === 'Status' && status.message ? status.message : httpStatusReason(code, text)}`),
              );
            }
            resolve(parsed);
          });
        },
      );
      req.on('error', (e) => reject(failed(tlsReason(e as NodeJS.ErrnoException))));
      req.end(payload);
    });
  })();
  try {
    return await Promise.race([exchange, deadline]);
  } finally {
    clearTimeout(timer);
    sock?.destroy();
  }
}
