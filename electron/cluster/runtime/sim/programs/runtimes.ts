import { interruptibleSleep } from '../process';
import { serveHttp } from './http';
import { imageVersion, listenUntilStopped } from './servers';
import { optionValue } from './server-kit';
import type { Program, ProgramContext } from './types';
import { compareVersions } from '../images/tags';

/**
 * python, node and go images: versions, python's http.server, and trivial one-liners only — `print(...)`,
 * `console.log(...)` of literals and arithmetic, sleep and exit. There is no interpreter behind them.
 */

/** a literal or an arithmetic expression of numbers; undefined when it is anything else */
function literal(expr: string, python: boolean): string | undefined {
  const e = expr.trim();
  const str = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')$/.exec(e);
  if (str)
    return (str[1] ?? str[2])
      .replace(/\\n/g, '\n')
      .replace(/\\t/g, '\t')
      .replace(/\\(["'\\])/g, '$1');
  if (!/^[\d+\-*/%(). ]+$/.test(e) || e.includes('//')) return undefined;
  let v: number;
  try {
    v = Number(Function(`"use strict";return (${e})`)());
  } catch {
    return undefined;
  }
  if (!Number.isFinite(v)) return undefined;
  return python && e.includes('/') && Number.isInteger(v) ? `${v}.0` : String(v);
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0,
    quote = '',
    cur = '';
  for (const ch of s) {
    if (quote) {
      if (ch === quote && !cur.endsWith('\\')) quote = '';
      cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

/** runs `print(…)`/`console.log(…)`, sleep and exit statements; returns the exit code, or undefined for anything else */
async function oneLiner(ctx: ProgramContext, code: string, python: boolean): Promise<number | 'unsupported'> {
  for (const raw of code
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    let m: RegExpExecArray | null;
    if (python && /^import\s+(sys|time|os)(\s*,\s*(sys|time|os))*$/.test(raw)) continue;
    if ((m = (python ? /^print\((.*)\)$/ : /^console\.(?:log|error)\((.*)\)$/).exec(raw))) {
      const parts = splitArgs(m[1]).map((a) => literal(a, python));
      if (parts.some((p) => p === undefined)) return 'unsupported';
      (raw.startsWith('console.error') ? ctx.err : ctx.out)(parts.join(' ') + '\n');
    } else if ((m = (python ? /^time\.sleep\(([\d.]+)\)$/ : /^setTimeout\(\s*\(\)\s*=>\s*\{?\s*\}?\s*,\s*(\d+)\s*\)$/).exec(raw))) {
      await interruptibleSleep(Number(m[1]) * (python ? 1000 : 1), ctx.signal);
    } else if ((m = (python ? /^(?:sys\.)?exit\((\d*)\)$/ : /^process\.exit\((\d*)\)$/).exec(raw))) {
      return Number(m[1] || 0);
    } else return 'unsupported';
  }
  return 0;
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pyLogTime = (d = new Date()) =>
  `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `python -m http.server [port] [--bind ADDR] [--directory DIR]`: serves the working directory with listings */
async function httpServer(ctx: ProgramContext, args: string[], unbuffered: boolean, version: string): Promise<number> {
  const port = Number(args.find((a) => /^\d+$/.test(a)) ?? 8000);
  const dir = ctx.fs.resolvePath(ctx.cwd, optionValue(args, 'd', 'directory') ?? '.');
  const bindAddr = optionValue(args, 'b', 'bind') ?? '0.0.0.0';
  const banner = `Serving HTTP on ${bindAddr} port ${port} (http://${bindAddr}:${port}/) ...\n`;
  // stdout is a pipe, so without -u / PYTHONUNBUFFERED the banner sits in the buffer until exit (kubectl logs shows nothing)
  if (unbuffered) ctx.out(banner);
  ctx.proc.handle('INT', () => {
    ctx.out((unbuffered ? '' : banner) + '\nKeyboard interrupt received, exiting.\n');
    ctx.proc.terminate(0);
  });
  ctx.proc.handle('TERM', () => {
    if (!unbuffered) ctx.out(banner);
    ctx.proc.terminate(143);
  });
  return listenUntilStopped(ctx, port, (sock, from) =>
    serveHttp(
      sock,
      async (req) => {
        const urlPath = decodeURIComponent(req.path.split('?')[0]);
        let p = ctx.fs.resolvePath(dir, '.' + urlPath);
        let res: { status: number; body: string | Buffer; headers: Record<string, string> };
        try {
          let st = await ctx.fs.stat(p);
          if (st.isDirectory && !urlPath.endsWith('/')) res = { status: 301, body: '', headers: { Location: urlPath + '/' } };
          else {
            if (st.isDirectory && (await ctx.fs.exists(p + '/index.html'))) {
              p += '/index.html';
              st = await ctx.fs.stat(p);
            }
            if (st.isDirectory) {
              const names = (await ctx.fs.readdir(p)).sort();
              // an entry that cannot be stat'ed (a dangling link) is listed as a file, as http.server lists it
              const items = await Promise.all(names.map(async (n) => ((await ctx.fs.stat(`${p}/${n}`).catch(() => undefined))?.isDirectory ? n + '/' : n)));
              const title = `Directory listing for ${esc(urlPath)}`;
              // python 3.12 switched the listing to an HTML5 head
              const head =
                compareVersions(version, '3.12') >= 0
                  ? '<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                  : '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n';
              const body = `${head}<title>${title}</title>\n</head>\n<body>\n<h1>${title}</h1>\n<hr>\n<ul>\n${items.map((n) => `<li><a href="${encodeURI(n)}">${esc(n)}</a></li>\n`).join('')}</ul>\n<hr>\n</body>\n</html>\n`;
              res = { status: 200, body, headers: { 'Content-type': 'text/html; charset=utf-8' } };
            } else
              res = {
                status: 200,
                body: Buffer.from(await ctx.fs.readFileBuffer(p)),
                headers: { 'Content-type': p.endsWith('.html') ? 'text/html' : p.endsWith('.json') ? 'application/json' : 'application/octet-stream' },
              };
          }
        } catch {
          ctx.err(`${from.ip} - - [${pyLogTime()}] code 404, message File not found\n`);
          res = {
            status: 404,
            body: '<!DOCTYPE HTML>\n<html lang="en">\n    <head>\n        <meta charset="utf-8">\n        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n        <p>Error code: 404</p>\n        <p>Message: File not found.</p>\n        <p>Error code explanation: 404 - Nothing matches the given URI.</p>\n    </body>\n</html>\n',
            headers: { 'Content-Type': 'text/html;charset=utf-8' },
          };
        }
        ctx.err(`${from.ip} - - [${pyLogTime()}] "${req.method} ${req.path} ${req.version}" ${res.status} -\n`);
        return res;
      },
      `SimpleHTTP/0.6 Python/${version}`,
    ),
  );
}

export const python: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const version = imageVersion(ctx, '3.14.0');
  if (args[0] === '--version' || args[0] === '-V') {
    ctx.out(`Python ${version}\n`);
    return 0;
  }
  const unbuffered = args.includes('-u') || !!ctx.env.PYTHONUNBUFFERED;
  const rest = args.filter((a) => a !== '-u');
  if (rest[0] === '-m' && rest[1] === 'http.server') return httpServer(ctx, rest.slice(2), unbuffered, version);
  if (rest[0] === '-m') {
    ctx.err(`KubeLab's python runs only \`-m http.server\` as a module (got: ${rest[1] ?? ''})\n`);
    return 1;
  }
  if (rest[0] === '-c') {
    const r = await oneLiner(ctx, rest[1] ?? '', true);
    if (r !== 'unsupported') return r;
    ctx.err(`KubeLab's python is not an interpreter: -c understands only print() of literals and arithmetic, time.sleep() and sys.exit() (got: ${rest[1]})\n`);
    return 1;
  }
  if (rest[0] && !rest[0].startsWith('-')) {
    const file = ctx.fs.resolvePath(ctx.cwd, rest[0]);
    if (!(await ctx.fs.exists(file))) {
      ctx.err(`${ctx.argv[0]}: can't open file '${file}': [Errno 2] No such file or directory\n`);
      return 2;
    }
    ctx.err(`KubeLab's python cannot run script files (${file}); it offers --version, -c one-liners and -m http.server\n`);
    return 1;
  }
  // the REPL on a closed stdin reads EOF and exits, as a python container without -it does
  return 0;
};

export const node: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const version = imageVersion(ctx, '24.9.0');
  if (args[0] === '--version' || args[0] === '-v') {
    ctx.out(`v${version}\n`);
    return 0;
  }
  if (args[0] === '-e' || args[0] === '--eval' || args[0] === '-p') {
    const r = await oneLiner(ctx, args[1] ?? '', false);
    if (r !== 'unsupported') return r;
    ctx.err(`KubeLab's node is not a JavaScript runtime: -e understands only console.log() of literals and arithmetic and process.exit() (got: ${args[1]})\n`);
    return 1;
  }
  if (args[0] && !args[0].startsWith('-')) {
    const file = ctx.fs.resolvePath(ctx.cwd, args[0]);
    if (!(await ctx.fs.exists(file))) {
      ctx.err(
        `node:internal/modules/cjs/loader:1252\n  throw err;\n  ^\n\nError: Cannot find module '${file}'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1249:15)\n    at node:internal/main/run_main_module:36:49 {\n  code: 'MODULE_NOT_FOUND',\n  requireStack: []\n}\n\nNode.js v${version}\n`,
      );
      return 1;
    }
    ctx.err(`KubeLab's node cannot run script files (${file}); it offers --version and -e one-liners\n`);
    return 1;
  }
  return 0;
};

export const go: Program = async (ctx) => {
  const sub = ctx.argv[1];
  const version = imageVersion(ctx, '1.25.1');
  if (sub === 'version') {
    ctx.out(`go version go${version} linux/amd64\n`);
    return 0;
  }
  if (sub === 'env') {
    const vars: Record<string, string> = {
      GOARCH: 'amd64',
      GOOS: 'linux',
      GOPATH: ctx.env.GOPATH ?? '/go',
      GOROOT: '/usr/local/go',
      GOTOOLCHAIN: ctx.env.GOTOOLCHAIN ?? 'local',
      GOVERSION: `go${version}`,
    };
    const names = ctx.argv.slice(2);
    ctx.out(
      names.length
        ? names.map((n) => (vars[n] ?? '') + '\n').join('')
        : Object.entries(vars)
            .map(([k, v]) => `${k}='${v}'\n`)
            .join(''),
    );
    return 0;
  }
  if (!sub || sub === 'help') {
    ctx.err('Go is a tool for managing Go source code.\n\nUsage:\n\n\tgo <command> [arguments]\n');
    return sub ? 0 : 2;
  }
  if (['build', 'run', 'test', 'install', 'mod', 'get', 'vet', 'fmt'].includes(sub)) {
    ctx.err(`KubeLab's go has no compiler: only \`go version\` and \`go env\` work (got: go ${sub})\n`);
    return 1;
  }
  ctx.err(`go ${sub}: unknown command\nRun 'go help' for usage.\n`);
  return 2;
};
