import { randomUUID } from 'node:crypto';
import { interruptibleSleep } from '../process';
import { serveHttp, type HttpRequest, type HttpResponse } from './http';
import { listenUntilStopped } from './servers';
import type { Program } from './types';

/** kennethreitz/httpbin: gunicorn's boot lines and httpbin's common endpoints (get, ip, headers, status, delay, anything, uuid). */
const gTime = () => new Date().toISOString().replace('T', ' ').slice(0, 19) + ' +0000';
const titleCase = (h: string) => h.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

export const gunicorn: Program = async (ctx) => {
  const b = ctx.argv.indexOf('-b');
  const bind = (b >= 0 ? ctx.argv[b + 1] : ctx.argv.find((a) => a.startsWith('--bind='))?.slice(7)) ?? '127.0.0.1:8000';
  const port = Number(bind.split(':').pop());
  const pid = ctx.proc.pid;
  const worker = pid + 7;
  ctx.err(
    `[${gTime()}] [${pid}] [INFO] Starting gunicorn 19.9.0\n[${gTime()}] [${pid}] [INFO] Listening at: http://${bind} (${pid})\n[${gTime()}] [${pid}] [INFO] Using worker: gevent\n[${gTime()}] [${worker}] [INFO] Booting worker with pid: ${worker}\n`,
  );
  for (const sig of ['TERM', 'INT', 'QUIT'] as const)
    ctx.proc.handle(sig, () => {
      ctx.err(
        `[${gTime()}] [${pid}] [INFO] Handling signal: ${sig.toLowerCase()}\n[${gTime()}] [${worker}] [INFO] Worker exiting (pid: ${worker})\n[${gTime()}] [${pid}] [INFO] Shutting down: Master\n`,
      );
      ctx.proc.terminate(0);
    });
  const json = (o: unknown, status = 200): HttpResponse => ({
    status,
    body: JSON.stringify(o, null, 2) + '\n',
    headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' },
  });
  const handle = async (req: HttpRequest, ip: string): Promise<HttpResponse> => {
    const url = new URL(req.path, `http://${req.headers.host ?? 'localhost'}`);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [titleCase(k), v]));
    const args = Object.fromEntries(url.searchParams);
    const common = { args, headers, origin: ip, url: url.href };
    const m = /^\/(status|delay)\/(\d+)$/.exec(url.pathname);
    if (m?.[1] === 'status') {
      const code = Number(m[2]);
      return { status: code, body: '', headers: { 'Content-Type': 'text/html; charset=utf-8' } };
    }
    if (m?.[1] === 'delay') {
      await interruptibleSleep(Math.min(10, Number(m[2])) * 1000, ctx.signal);
      return json(common);
    }
    switch (url.pathname) {
      case '/':
        return {
          status: 200,
          body: '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="UTF-8"><title>httpbin.org</title></head>\n<body><h2>httpbin.org <small>0.9.2</small></h2><p>A simple HTTP Request &amp; Response Service.</p></body>\n</html>\n',
          headers: { 'Content-Type': 'text/html; charset=utf-8' },
        };
      case '/get':
        return req.method === 'GET' || req.method === 'HEAD' ? json(common) : json({}, 405);
      case '/post':
      case '/put':
      case '/patch':
      case '/delete':
        if (req.method !== url.pathname.slice(1).toUpperCase())
          return {
            status: 405,
            body: '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n',
            headers: { 'Content-Type': 'text/html' },
          };
        return json({
          ...common,
          data: req.body.toString('utf8'),
          files: {},
          form: {},
          json: (() => {
            try {
              return JSON.parse(req.body.toString('utf8'));
            } catch {
              return null;
            }
          })(),
        });
      case '/anything':
        return json({ ...common, data: req.body.toString('utf8'), files: {}, form: {}, json: null, method: req.method });
      case '/ip':
        return json({ origin: ip });
      case '/headers':
        return json({ headers });
      case '/user-agent':
        return json({ 'user-agent': req.headers['user-agent'] ?? null });
      case '/uuid':
        return json({ uuid: randomUUID() });
      default:
        return {
          status: 404,
          body: '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n',
          headers: { 'Content-Type': 'text/html' },
        };
    }
  };
  return listenUntilStopped(ctx, port, (sock, from) => serveHttp(sock, (req) => handle(req, from.ip), 'gunicorn/19.9.0'));
};
