/**
 * BIND's dig (the jessie-dnsutils build of the Kubernetes DNS debugging guide): `dig [@server] [-t TYPE] [-x IP]
 * name [TYPE] [+short] [+search] [+time=N] [+tries=N]`. No search list unless +search, as dig does.
 */
import { isIP } from 'node:net';
import { fqdn, rdataText, reverseName, type Question, type Reply, type RR, type RRType } from '../message';
import { resolvOption, searchCandidates } from '../stub-resolver';
import { query, serverArg, type DnsToolEnv, type ToolResult } from './env';

export const DIG_VERSION = '9.9.5-9+deb8u19-Debian';
const TYPES: RRType[] = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'ANY'];

/** dig's master-file style: name, TTL, class, type and data at tab stops 24, 32, 40 and 48 */
function columns(parts: string[], stops: number[]): string {
  let line = parts[0];
  let col = line.length;
  for (let i = 1; i < parts.length; i++) {
    const stop = stops[i - 1];
    if (col >= stop) {
      line += ' ';
      col++;
    } else
      while (col < stop) {
        line += '\t';
        col = (Math.floor(col / 8) + 1) * 8;
      }
    line += parts[i];
    col += parts[i].length;
  }
  return line;
}

export const rrLine = (rr: RR) => columns([rr.name, String(rr.ttl), 'IN', rr.type, rdataText(rr)], [24, 32, 40, 48]);

function approxSize(r: Reply): number {
  const name = (n: string) => n.length + 1;
  const rrs = [...r.answer, ...r.authority, ...r.additional];
  return (
    12 +
    name(r.question.name) +
    4 +
    rrs.reduce((a, rr) => a + 2 + 10 + (typeof rr.data === 'string' ? (rr.type === 'A' ? 4 : rr.type === 'AAAA' ? 16 : rr.data.length + 2) : 20), 0) +
    11
  );
}

export async function dig(args: string[], env: DnsToolEnv, now: () => Date = () => new Date()): Promise<ToolResult> {
  let server: string | undefined;
  let name: string | undefined;
  let type: RRType | undefined;
  let short = false,
    search = false;
  let timeS = 5,
    tries = 3;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('@')) server = a.slice(1);
    else if (a === '-t') {
      const v = args[++i] ?? '';
      const t = TYPES.find((x) => x === v.toUpperCase());
      if (!t) return { stdout: '', stderr: `invalid type: ${v}\n`, exitCode: 1 };
      type = t;
    } else if (a === '-x') {
      const ip = args[++i] ?? '';
      name = reverseName(ip);
      type = 'PTR';
    } else if (a === '+short') short = true;
    else if (a === '+search') search = true;
    else if (a === '+nosearch' || a === '+noshort') {
      if (a === '+noshort') short = false;
      else search = false;
    } else if (a.startsWith('+time=')) timeS = Math.max(1, Number(a.slice(6)) || 1);
    else if (a.startsWith('+tries=')) tries = Math.max(1, Number(a.slice(7)) || 1);
    else if (a.startsWith('+retry=')) tries = Math.max(1, (Number(a.slice(7)) || 0) + 1);
    else if (a.startsWith('+')) continue;
    else if (a.startsWith('-'))
      return { stdout: '', stderr: `Invalid option: ${a}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n`, exitCode: 1 };
    else if (!name) name = a;
    else if (TYPES.includes(a.toUpperCase() as RRType)) type = a.toUpperCase() as RRType;
    else if (a.toUpperCase() !== 'IN') name = a;
  }
  const cmdline = args.join(' ');
  if (!name) {
    name = '.';
    type ??= 'NS';
  }
  type ??= 'A';
  const serverName = server ?? env.nameservers[0] ?? '127.0.0.1';
  const to = serverArg(serverName);
  if (!to) return { stdout: '', stderr: `dig: couldn't get address for '${serverName}': not found\n`, exitCode: 10 };
  const names = search && !isIP(name) ? searchCandidates(name, env.searches, resolvOption(env.options, 'ndots', 1)) : [fqdn(name)];
  let reply: Reply | undefined;
  let q: Question = { name: names[0], type };
  const started = Date.now();
  for (const n of names) {
    q = { name: n, type };
    reply = await query(env, to, q, timeS * 1000, tries);
    if (!reply || reply.rcode !== 'NXDOMAIN') break;
  }
  const banner = `\n; <<>> DiG ${DIG_VERSION} <<>> ${cmdline}\n;; global options: +cmd\n`;
  if (!reply)
    return {
      stdout: short ? ';; connection timed out; no servers could be reached\n' : `${banner};; connection timed out; no servers could be reached\n`,
      stderr: '',
      exitCode: 9,
    };
  if (short) return { stdout: reply.answer.map((rr) => rdataText(rr) + '\n').join(''), stderr: '', exitCode: 0 };
  const flags = ['qr', reply.authoritative ? 'aa' : '', 'rd', reply.recursionAvailable ? 'ra' : ''].filter(Boolean).join(' ');
  const id = Math.floor(Math.random() * 65536);
  let out = `${banner};; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: ${reply.rcode}, id: ${id}\n`;
  out += `;; flags: ${flags}; QUERY: 1, ANSWER: ${reply.answer.length}, AUTHORITY: ${reply.authority.length}, ADDITIONAL: ${reply.additional.length + 1}\n`;
  if (!reply.recursionAvailable) out += ';; WARNING: recursion requested but not available\n';
  out += `\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 4096\n;; QUESTION SECTION:\n${columns([';' + q.name, 'IN', q.type], [32, 40])}\n`;
  const section = (title: string, rrs: RR[]) => (rrs.length ? `\n;; ${title} SECTION:\n${rrs.map((rr) => rrLine(rr) + '\n').join('')}` : '');
  out += section('ANSWER', reply.answer) + section('AUTHORITY', reply.authority) + section('ADDITIONAL', reply.additional);
  const when = now()
    .toUTCString()
    .replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 UTC $4');
  out += `\n;; Query time: ${Date.now() - started} msec\n;; SERVER: ${to.ip}#${to.port}(${to.ip})\n;; WHEN: ${when}\n;; MSG SIZE  rcvd: ${approxSize(reply)}\n\n`;
  return { stdout: out, stderr: '', exitCode: 0 };
}
