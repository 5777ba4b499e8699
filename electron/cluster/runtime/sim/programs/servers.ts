import type { Duplex } from 'node:stream';
import { serveHttp, type HttpRequest, type HttpResponse } from './http';
import { waitForAbort, type Program, type ProgramContext } from './types';
import { goFlag } from './server-kit';
import { agnhostWebhook } from './admission-webhook';

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const clf = (d: Date) =>
  `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
const nginxTime = (d: Date) =>
  `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

/** Binds port in the pod and serves until the program is told to stop. */
export async function listenUntilStopped(ctx: ProgramContext, port: number, onConn: (sock: Duplex, from: { ip: string }) => void): Promise<number> {
  let unlisten: () => void;
  try {
    unlisten = ctx.container.sandbox.listen(port, onConn);
  } catch (e) {
    ctx.err(`bind() to 0.0.0.0:${port} failed (98: Address already in use)\n`);
    return 1;
  }
  ctx.proc.setMemory(ctx.proc.memoryBytes + 2_500_000);
  await waitForAbort(ctx.signal);
  unlisten();
  return 0;
}

async function serveStatic(
  ctx: ProgramContext,
  root: string,
  reqPath: string,
  index: string[],
): Promise<{ status: number; body: Buffer | string; type: string }> {
  const clean = decodeURIComponent(reqPath.split('?')[0]);
  let p = ctx.fs.resolvePath(root, '.' + clean);
  if (!p.startsWith(root)) return { status: 403, body: '', type: 'text/html' };
  try {
    const st = await ctx.fs.stat(p);
    if (st.isDirectory) {
      let found = false;
      for (const i of index) {
        const cand = ctx.fs.resolvePath(p, i);
        if (await ctx.fs.exists(cand)) {
          p = cand;
          found = true;
          break;
        }
      }
      if (!found) return { status: 403, body: '', type: 'text/html' };
    }
    const body = Buffer.from(await ctx.fs.readFileBuffer(p));
    return {
      status: 200,
      body,
      type: p.endsWith('.html') || p.endsWith('.htm') ? 'text/html' : p.endsWith('.json') ? 'application/json' : p.endsWith('.css') ? 'text/css' : 'text/plain',
    };
  } catch {
    return { status: 404, body: '', type: 'text/html' };
  }
}

/** the release the image's tag resolved to (nginx:1.19 → 1.19.10); a user's own NGINX_VERSION does not change the binary */
export function imageVersion(ctx: ProgramContext, fallback: string): string {
  return ctx.container.image.image.version ?? fallback;
}
const nginxVersion = (ctx: ProgramContext) => imageVersion(ctx, '1.29.1');

/** nginx's built-in error page; `server` is `nginx/<version>`, or `nginx` with server_tokens off (ingress-nginx) */
export function nginxErrorPage(status: number, text: string, server: string): string {
  return `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
}

/**
 * The official image's nginx started as another user than root (a pod's runAsUser): its `user` directive is
 * ignored with a warning, and it cannot create its temp directories under /var/cache/nginx (root's) unless a
 * volume is mounted there — the reason nginx-unprivileged images exist.
 */
async function nonRootStart(ctx: ProgramContext): Promise<{ log: string; fatal: boolean }> {
  // a pod may mount its own /etc/nginx without nginx.conf: then there is no user directive to warn about
  const main = await ctx.fs.readFile('/etc/nginx/nginx.conf').catch(() => '');
  const lines: string[] = [];
  const log = (level: string, msg: string) => lines.push(`${nginxTime(new Date())} [${level}] 1#1: ${msg}\n`, `nginx: [${level}] ${msg}\n`);
  const userLine = main.split('\n').findIndex((l) => /^\s*user\s/.test(l));
  if (userLine >= 0)
    log(
      'warn',
      `the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:${userLine + 1}`,
    );
  const writable = (...dirs: string[]) => ctx.container.config.mounts.some((m) => !m.readOnly && dirs.includes(m.containerPath.replace(/\/+$/, '')));
  let fatal = true;
  if (!writable('/var/cache/nginx', '/var/cache')) log('emerg', 'mkdir() "/var/cache/nginx/client_temp" failed (13: Permission denied)');
  else if (!writable('/var/run', '/run')) log('emerg', 'open() "/var/run/nginx.pid" failed (13: Permission denied)');
  else fatal = false;
  return { log: lines.join(''), fatal };
}

export const nginx: Program = async (ctx) => {
  const version = nginxVersion(ctx);
  const args = ctx.argv.slice(1);
  if (args.includes('-v') || args.includes('-V')) {
    ctx.err(`nginx version: nginx/${version}\n`);
    return 0;
  }
  if (args.includes('-t')) {
    ctx.err('nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n');
    return 0;
  }
  const s = args.indexOf('-s');
  if (s >= 0) {
    // the master may run behind /docker-entrypoint.sh or a shell, so look for nginx anywhere in its command line
    const master = [...ctx.container.procs.values()].find(
      (p) => p !== ctx.proc && !p.argv.includes('-s') && p.argv.some((a) => /(^|[\s/])nginx(\s|$)/.test(a) && !/\s-s\s/.test(a)),
    );
    if (!master) {
      ctx.err(`${nginxTime(new Date())} [error] ${ctx.proc.pid}#${ctx.proc.pid}: invalid PID number "" in "/var/run/nginx.pid"\n`);
      return 1;
    }
    const sig = { stop: 'TERM', quit: 'QUIT', reload: 'HUP', reopen: 'USR1' }[args[s + 1] ?? ''] as any;
    ctx.err(`${nginxTime(new Date())} [notice] ${ctx.proc.pid}#${ctx.proc.pid}: signal process started\n`);
    // a stopping master takes the container's other processes with it; the real `nginx -s` is long gone by then,
    // so the exec that ran it must get to report its own exit first
    if (sig === 'TERM' || sig === 'QUIT') setTimeout(() => master.deliver(sig), 50);
    else if (sig) master.deliver(sig);
    return 0;
  }
  let conf = '';
  try {
    conf = await ctx.fs.readFile('/etc/nginx/conf.d/default.conf');
  } catch {
    /* no server block: defaults */
  }
  const port = Number(/listen\s+(\d+)/.exec(conf)?.[1] ?? 80);
  const root = (/root\s+([^;]+);/.exec(conf)?.[1] ?? '/usr/share/nginx/html').trim();
  const pid = ctx.proc.pid;
  const now = nginxTime(new Date());
  ctx.out(
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n/docker-entrypoint.sh: Configuration complete; ready for start up\n',
  );
  ctx.err(
    `${now} [notice] ${pid}#${pid}: using the "epoll" event method\n${now} [notice] ${pid}#${pid}: nginx/${version}\n${now} [notice] ${pid}#${pid}: start worker processes\n${now} [notice] ${pid}#${pid}: start worker process ${pid + 28}\n`,
  );
  if (ctx.proc.uid !== 0) {
    const { log, fatal } = await nonRootStart(ctx);
    ctx.err(log);
    if (fatal) return 1;
  }
  const errorPage = (status: number, text: string) => nginxErrorPage(status, text, `nginx/${version}`);
  const handle = async (req: HttpRequest, from: { ip: string }): Promise<HttpResponse> => {
    let res: HttpResponse;
    if (req.method !== 'GET' && req.method !== 'HEAD') res = { status: 405, body: errorPage(405, 'Not Allowed'), headers: { 'Content-Type': 'text/html' } };
    else {
      const r = await serveStatic(ctx, root, req.path, ['index.html', 'index.htm']);
      res =
        r.status === 200
          ? { status: 200, body: r.body, headers: { 'Content-Type': r.type, 'Accept-Ranges': 'bytes' } }
          : { status: r.status, body: errorPage(r.status, r.status === 404 ? 'Not Found' : 'Forbidden'), headers: { 'Content-Type': 'text/html' } };
      if (r.status === 404)
        ctx.err(
          `${nginxTime(new Date())} [error] ${pid + 28}#${pid + 28}: *1 open() "${root}${req.path}" failed (2: No such file or directory), client: ${from.ip}, server: localhost, request: "${req.method} ${req.path} ${req.version}", host: "${req.headers.host ?? ''}"\n`,
        );
    }
    const size = typeof res.body === 'string' ? Buffer.byteLength(res.body) : res.body.length;
    ctx.out(
      `${from.ip} - - [${clf(new Date())}] "${req.method} ${req.path} ${req.version}" ${res.status} ${size} "${req.headers.referer ?? '-'}" "${req.headers['user-agent'] ?? '-'}" "-"\n`,
    );
    return res;
  };
  for (const sig of ['TERM', 'INT', 'QUIT'] as const)
    ctx.proc.handle(sig, () => {
      ctx.err(`${nginxTime(new Date())} [notice] ${pid}#${pid}: signal ${sig === 'TERM' ? 15 : sig === 'INT' ? 2 : 3} (SIG${sig}) received, exiting\n`);
      ctx.proc.terminate(0);
    });
  ctx.proc.handle('HUP', () => ctx.err(`${nginxTime(new Date())} [notice] ${pid}#${pid}: signal 1 (SIGHUP) received from ${pid + 40}, reconfiguring\n`));
  return listenUntilStopped(ctx, port, (sock, from) => serveHttp(sock, (req) => handle(req, from), `nginx/${version}`));
};

export const httpd: Program = async (ctx) => {
  const root = ctx.container.image.image.repository.endsWith('/httpd')
    ? '/usr/local/apache2/htdocs'
    : (() => {
        const h = ctx.argv.indexOf('-h');
        return h >= 0 ? ctx.argv[h + 1] : '/var/www';
      })();
  const busybox = !ctx.container.image.image.repository.endsWith('/httpd');
  const apache = `Apache/${imageVersion(ctx, '2.4.65')} (Unix)`;
  const portArg = ctx.argv.indexOf('-p');
  const port = portArg >= 0 ? Number(ctx.argv[portArg + 1].split(':').pop()) : 80;
  if (!busybox)
    ctx.err(
      `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ctx.container.sandbox.ip}. Set the 'ServerName' directive globally to suppress this message\n[${new Date().toUTCString()}] [mpm_event:notice] [pid 1:tid 1] AH00489: ${apache} configured -- resuming normal operations\n`,
    );
  else if (!ctx.argv.includes('-f')) return 0; // busybox httpd daemonises unless -f
  const handle = async (req: HttpRequest, from: { ip: string }): Promise<HttpResponse> => {
    const r = await serveStatic(ctx, root, req.path, ['index.html']);
    if (!busybox)
      ctx.out(`${from.ip} - - [${clf(new Date())}] "${req.method} ${req.path} ${req.version}" ${r.status} ${r.status === 200 ? r.body.length : 196}\n`);
    return r.status === 200
      ? { status: 200, body: r.body, headers: { 'Content-Type': r.type } }
      : {
          status: r.status,
          body: `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n`,
          headers: { 'Content-Type': 'text/html; charset=iso-8859-1' },
        };
  };
  ctx.proc.handle('TERM', () => ctx.proc.terminate(0));
  ctx.proc.handle('WINCH', () => ctx.proc.terminate(0));
  return listenUntilStopped(ctx, port, (sock, from) => serveHttp(sock, (req) => handle(req, from), busybox ? 'busybox httpd' : apache));
};

/** CPU time index.php takes: a million sqrt() calls in PHP 5 on one core */
const PHP_LOOP_NS = 50_000_000;

/**
 * registry.k8s.io/hpa-example: Apache with mod_php serving index.php, whose loop is real work on the container's
 * CPU (SimContainer.compute): the pod's usage is what its clients ask of it, and under a CPU limit requests queue.
 */
export const phpApache: Program = async (ctx) => {
  const apache = 'Apache/2.4.10 (Debian)';
  ctx.err(
    `AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using ${ctx.container.sandbox.ip}. Set the 'ServerName' directive globally to suppress this message\n[${new Date().toUTCString()}] [mpm_prefork:notice] [pid 1] AH00163: ${apache} PHP/5.6.40 configured -- resuming normal operations\n`,
  );
  ctx.proc.handle('WINCH', () => ctx.proc.terminate(0));
  ctx.proc.handle('TERM', () => ctx.proc.terminate(0));
  const handle = async (req: HttpRequest, from: { ip: string }): Promise<HttpResponse> => {
    const file = req.path.split('?')[0];
    const php = file === '/' || file === '/index.php';
    if (php) await ctx.container.compute(PHP_LOOP_NS, ctx.signal);
    const status = php ? 200 : 404;
    const body = php
      ? 'OK!'
      : `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL ${file} was not found on this server.</p>\n</body></html>\n`;
    ctx.out(
      `${from.ip} - - [${clf(new Date())}] "${req.method} ${req.path} ${req.version}" ${status} ${body.length} "-" "${req.headers['user-agent'] ?? '-'}"\n`,
    );
    return { status, body, headers: { 'Content-Type': 'text/html', 'X-Powered-By': 'PHP/5.6.40' } };
  };
  return listenUntilStopped(ctx, 80, (sock, from) => serveHttp(sock, (req) => handle(req, from), apache));
};

export const httpEcho: Program = async (ctx) => {
  let text = 'hello-world';
  let listen = ':5678';
  for (const a of ctx.argv.slice(1)) {
    const m = /^--?(text|listen)=(.*)$/s.exec(a);
    if (m) {
      if (m[1] === 'text') text = m[2];
      else listen = m[2];
    }
  }
  const port = Number(listen.split(':').pop());
  ctx.out(`${new Date().toISOString().replace('T', ' ').slice(0, 19).replace(/-/g, '/')} [INFO] server is listening on ${listen}\n`);
  ctx.proc.handle('TERM', () => ctx.proc.terminate(0));
  return listenUntilStopped(ctx, port, (sock, from) =>
    serveHttp(
      sock,
      (req) => {
        ctx.out(
          `${new Date().toISOString().replace('T', ' ').slice(0, 19).replace(/-/g, '/')} ${req.headers.host ?? ''} ${from.ip}:${40000 + Math.floor(Math.random() * 20000)} "${req.method} ${req.path} ${req.version} ${200} ${text.length + 1} "${req.headers['user-agent'] ?? ''}" 12.3µs\n`,
        );
        return { status: 200, body: text + '\n', headers: { 'X-App-Name': 'http-echo', 'X-App-Version': '1.0.0' } };
      },
      'http-echo',
    ),
  );
};

export const agnhost: Program = async (ctx) => {
  const sub = ctx.argv[1];
  // Go's flag package takes `--port=8080`, `--port 8080` and the single-dash forms alike
  const flag = (name: string, def: string) => goFlag(ctx.argv, name, def);
  ctx.proc.handle('TERM', () => ctx.proc.terminate(0));
  if (sub === 'serve-hostname') {
    const port = Number(flag('port', '9376'));
    return listenUntilStopped(ctx, port, (sock) => serveHttp(sock, () => ({ status: 200, body: ctx.container.sandbox.config.hostname }), 'agnhost'));
  }
  if (sub === 'netexec') {
    const port = Number(flag('http-port', '8080'));
    ctx.out(`I1122 10:00:00.000000       1 log.go:245] Started HTTP server on port ${port}\n`);
    return listenUntilStopped(ctx, port, (sock, from) =>
      serveHttp(
        sock,
        async (req) => {
          const url = new URL(req.path, 'http://x');
          switch (url.pathname) {
            case '/hostname':
              return { status: 200, body: ctx.container.sandbox.config.hostname };
            case '/echo':
              return { status: 200, body: url.searchParams.get('msg') ?? '' };
            case '/clientip':
              return { status: 200, body: `${from.ip}:${40000 + Math.floor(Math.random() * 20000)}` };
            case '/healthz':
            case '/':
              return { status: 200, body: 'NOW: ' + new Date().toISOString() };
            case '/shell': {
              const r = await ctx.run(['sh', '-c', url.searchParams.get('shellCommand') ?? url.searchParams.get('cmd') ?? '']);
              return {
                status: 200,
                body: JSON.stringify({ output: r.stdout, error: r.exitCode ? r.stderr : undefined }),
                headers: { 'Content-Type': 'application/json' },
              };
            }
            case '/exit':
              setTimeout(() => ctx.proc.terminate(Number(url.searchParams.get('code') ?? 0)), 10);
              return { status: 200, body: '' };
            default:
              return { status: 404, body: '404 page not found\n' };
          }
        },
        'agnhost',
      ),
    );
  }
  if (sub === 'webhook') return agnhostWebhook(ctx);
  if (sub === 'pause') {
    ctx.out('Paused\n');
    await waitForAbort(ctx.signal);
    return 0;
  }
  ctx.err(`Error: unknown command "${sub ?? ''}" for "agnhost"\nRun 'agnhost --help' for usage.\n`);
  return 1;
};

export const redisServer: Program = async (ctx) => {
  const store = new Map<string, string>();
  const pid = ctx.proc.pid;
  const port = Number(ctx.argv[ctx.argv.indexOf('--port') + 1] ?? 6379) || 6379;
  ctx.out(
    `${pid}:C 22 Nov 2026 10:00:00.000 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n${pid}:C 22 Nov 2026 10:00:00.000 * Redis version=${imageVersion(ctx, '8.2.1')}, bits=64, commit=00000000, modified=0, pid=${pid}, just started\n${pid}:M 22 Nov 2026 10:00:00.001 * Running mode=standalone, port=${port}.\n${pid}:M 22 Nov 2026 10:00:00.002 * Ready to accept connections tcp\n`,
  );
  ctx.proc.handle('TERM', () => {
    ctx.out(`${pid}:signal-handler Received SIGTERM scheduling shutdown...\n${pid}:M Redis is now ready to exit, bye bye...\n`);
    ctx.proc.terminate(0);
  });
  const bulk = (v: string | undefined) => (v === undefined ? '$-1\r\n' : `$${Buffer.byteLength(v)}\r\n${v}\r\n`);
  const exec = (a: string[]): string => {
    const cmd = (a[0] ?? '').toUpperCase();
    switch (cmd) {
      case 'PING':
        return a[1] !== undefined ? bulk(a[1]) : '+PONG\r\n';
      case 'SET':
        store.set(a[1], a[2]);
        return '+OK\r\n';
      case 'GET':
        return bulk(store.get(a[1]));
      case 'DEL': {
        let n = 0;
        for (const k of a.slice(1)) if (store.delete(k)) n++;
        return `:${n}\r\n`;
      }
      case 'INCR': {
        const v = Number(store.get(a[1]) ?? 0) + 1;
        store.set(a[1], String(v));
        return `:${v}\r\n`;
      }
      case 'KEYS': {
        const keys = [...store.keys()];
        return `*${keys.length}\r\n${keys.map(bulk).join('')}`;
      }
      case 'DBSIZE':
        return `:${store.size}\r\n`;
      case 'INFO':
        return bulk(`# Server\r\nredis_version:${imageVersion(ctx, '8.2.1')}\r\nrole:master\r\n`);
      case 'QUIT':
        return '+OK\r\n';
      default:
        return `-ERR unknown command '${a[0]}', with args beginning with: \r\n`;
    }
  };
  return listenUntilStopped(ctx, port, (sock) => {
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      while (buf.length) {
        let args: string[] | undefined;
        let used = 0;
        if (buf[0] === '*') {
          const lines = buf.split('\r\n');
          const n = Number(lines[0].slice(1));
          if (lines.length < 1 + n * 2 + 1) return;
          args = [];
          for (let i = 0; i < n; i++) args.push(lines[2 + i * 2]);
          used = lines.slice(0, 1 + n * 2).join('\r\n').length + 2;
        } else {
          const nl = buf.indexOf('\n');
          if (nl < 0) return;
          args = buf.slice(0, nl).trim().split(/\s+/).filter(Boolean);
          used = nl + 1;
        }
        buf = buf.slice(used);
        if (args.length) sock.write(exec(args));
        if (args[0]?.toUpperCase() === 'QUIT') {
          sock.end();
          return;
        }
      }
    });
    sock.on('error', () => {
      /* client gone */
    });
  });
};
