import type { Duplex } from 'node:stream';
import type { Program } from './types';

type Reply = { kind: 'status' | 'error' | 'int' | 'bulk'; text: string | null } | { kind: 'array'; items: Reply[] | null };

/** parses one RESP reply at `at`; undefined while it is still incomplete */
function parseReply(buf: string, at = 0): [Reply, number] | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const head = buf.slice(at + 1, eol);
  const next = eol + 2;
  switch (buf[at]) {
    case '+':
      return [{ kind: 'status', text: head }, next];
    case '-':
      return [{ kind: 'error', text: head }, next];
    case ':':
      return [{ kind: 'int', text: head }, next];
    case '$': {
      const n = Number(head);
      if (n < 0) return [{ kind: 'bulk', text: null }, next];
      // buf holds one char per byte (latin1), so lengths here are byte counts
      if (buf.length < next + n + 2) return undefined;
      return [{ kind: 'bulk', text: Buffer.from(buf.slice(next, next + n), 'latin1').toString('utf8') }, next + n + 2];
    }
    case '*': {
      const n = Number(head);
      if (n < 0) return [{ kind: 'array', items: null }, next];
      const items: Reply[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, pos);
        if (!r) return undefined;
        items.push(r[0]);
        pos = r[1];
      }
      return [{ kind: 'array', items }, pos];
    }
  }
  return [{ kind: 'error', text: `Protocol error: ${head}` }, next];
}

/** redis-cli prints replies this way when its output is not a terminal (kubectl exec without -t) */
function formatRaw(r: Reply): string {
  if (r.kind === 'array') return (r.items ?? []).map(formatRaw).join('');
  return (r.text ?? '') + '\n';
}

function roundTrip(sock: Duplex, args: string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      const r = parseReply(buf);
      if (r) {
        sock.off('data', onData);
        resolve(r[0]);
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
    sock.once('end', () => reject(new Error('Server closed the connection')));
    sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

/** redis-cli [-h host] [-p port] [-n db] [command args…]; without a command it reads commands from stdin. */
export const redisCli: Program = async (ctx) => {
  let host = '127.0.0.1';
  let port = 6379;
  const words: string[] = [];
  const a = ctx.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    if (words.length) {
      words.push(a[i]);
      continue;
    }
    if (a[i] === '-h') host = a[++i] ?? host;
    else if (a[i] === '-p') port = Number(a[++i]) || port;
    else if (a[i] === '-n' || a[i] === '-a') i++;
    else if (a[i] === '--version' || a[i] === '-v') {
      ctx.out(`redis-cli ${ctx.container.image.image.version ?? '8.2.1'}\n`);
      return 0;
    } else words.push(a[i]);
  }
  const commands = words.length
    ? [words]
    : ctx.stdin
        .split('\n')
        .map((l) => l.trim().split(/\s+/).filter(Boolean))
        .filter((w) => w.length);
  let sock: Duplex;
  try {
    sock = await ctx.container.sandbox.connect(host, port);
  } catch (e: any) {
    const why = e?.code === 'ENOTFOUND' ? 'Name or service not known' : e?.code === 'ETIMEDOUT' ? 'Connection timed out' : 'Connection refused';
    ctx.err(`Could not connect to Redis at ${host}:${port}: ${why}\n`);
    return 1;
  }
  sock.on('error', () => {
    /* reported through roundTrip */
  });
  try {
    for (const cmd of commands) {
      const reply = await roundTrip(sock, cmd);
      ctx.out(formatRaw(reply));
    }
  } catch (e: any) {
    ctx.err(`Error: ${e?.message ?? e}\n`);
    return 1;
  } finally {
    sock.end();
  }
  return 0;
};
