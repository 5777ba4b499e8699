// The checks every web-mode request passes: the Host header names this server (DNS rebinding), a WebSocket's
// Origin is this server (cross-site pages), and the caller holds the per-run token (other local users and apps).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'kubelab_token';

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function hostOk(req: IncomingMessage, port: number): boolean {
  return allowedHosts(port).has(String(req.headers.host ?? '').toLowerCase());
}

export function originOk(req: IncomingMessage, port: number): boolean {
  const o = req.headers.origin;
  if (!o) return false;
  try {
    const u = new URL(o);
    return u.protocol === 'http:' && allowedHosts(port).has(u.host.toLowerCase());
  } catch {
    return false;
  }
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a),
    y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function tokenOk(req: IncomingMessage, token: string): boolean {
  const t = cookieToken(req);
  return t !== undefined && safeEqual(t, token);
}
