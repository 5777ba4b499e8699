import { imageVersion, listenUntilStopped } from './servers';
import { optionValue } from './server-kit';
import type { Program } from './types';

/** memcached: silent unless -v, as the real one; the text protocol's get/set/delete/incr/version/stats/quit in memory. */
export const memcached: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const version = imageVersion(ctx, '1.6.39');
  if (args.includes('-V') || args.includes('--version')) {
    ctx.out(`memcached ${version}\n`);
    return 0;
  }
  if (args.includes('-h') || args.includes('--help')) {
    ctx.out(
      `memcached ${version}\n-p, --port=<num>          TCP port to listen on (default: 11211)\n-m, --memory-limit=<num>  item memory in megabytes (default: 64)\n-c, --conn-limit=<num>    max simultaneous connections (default: 1024)\n-v, --verbose             verbose (print errors/warnings while in event loop)\n`,
    );
    return 0;
  }
  const port = Number(optionValue(args, 'p', 'port') ?? 11211);
  const store = new Map<string, { flags: string; value: string }>();
  const started = Date.now();
  for (const sig of ['TERM', 'INT'] as const)
    ctx.proc.handle(sig, () => {
      ctx.err(`Signal handled: ${sig === 'TERM' ? 'Terminated' : 'Interrupt'}.\n`);
      ctx.proc.terminate(0);
    });
  return listenUntilStopped(ctx, port, (sock) => {
    let buf = '';
    let pending: { key: string; flags: string; bytes: number; noreply: boolean } | undefined;
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      while (true) {
        if (pending) {
          if (buf.length < pending.bytes + 2) return;
          store.set(pending.key, { flags: pending.flags, value: buf.slice(0, pending.bytes) });
          buf = buf.slice(pending.bytes + 2);
          if (!pending.noreply) sock.write('STORED\r\n');
          pending = undefined;
          continue;
        }
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const words = buf.slice(0, nl).trim().split(/\s+/);
        buf = buf.slice(nl + 1);
        const [cmd, ...rest] = words;
        switch (cmd) {
          case 'set':
          case 'add':
          case 'replace':
            pending = { key: rest[0], flags: rest[1] ?? '0', bytes: Number(rest[3] ?? 0), noreply: rest[4] === 'noreply' };
            break;
          case 'get':
          case 'gets':
            sock.write(
              rest
                .map((k) => {
                  const v = store.get(k);
                  return v ? `VALUE ${k} ${v.flags} ${Buffer.byteLength(v.value)}\r\n${v.value}\r\n` : '';
                })
                .join('') + 'END\r\n',
            );
            break;
          case 'delete':
            sock.write(store.delete(rest[0]) ? 'DELETED\r\n' : 'NOT_FOUND\r\n');
            break;
          case 'incr':
          case 'decr': {
            const v = store.get(rest[0]);
            if (!v) {
              sock.write('NOT_FOUND\r\n');
              break;
            }
            const n = Math.max(0, Number(v.value) + (cmd === 'incr' ? 1 : -1) * Number(rest[1] ?? 1));
            store.set(rest[0], { ...v, value: String(n) });
            sock.write(`${n}\r\n`);
            break;
          }
          case 'flush_all':
            store.clear();
            sock.write('OK\r\n');
            break;
          case 'version':
            sock.write(`VERSION ${version}\r\n`);
            break;
          case 'stats':
            sock.write(
              `STAT pid ${ctx.proc.pid}\r\nSTAT uptime ${Math.round((Date.now() - started) / 1000)}\r\nSTAT version ${version}\r\nSTAT curr_items ${store.size}\r\nSTAT curr_connections 2\r\nEND\r\n`,
            );
            break;
          case 'quit':
            sock.end();
            return;
          case undefined:
          case '':
            break;
          default:
            sock.write('ERROR\r\n');
        }
      }
    });
    sock.on('error', () => {
      /* client gone */
    });
  });
};
