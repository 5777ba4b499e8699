/**
 * BIND's host: `host [-t TYPE] name [server]`, the resolver's search list and ndots; A, AAAA and MX for a name,
 * PTR for an address.
 */
import { isIP } from 'node:net';
import { fqdn, reverseName, type Question, type Reply, type RR, type RRType } from '../message';
import { resolvOption, searchCandidates } from '../stub-resolver';
import { bare, query, resolverTimeoutMs, serverArg, type DnsToolEnv, type ToolResult } from './env';

const TYPES: RRType[] = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'ANY'];

function describe(rr: RR): string {
  const d = rr.data;
  switch (rr.type) {
    case 'A':
      return `${bare(rr.name)} has address ${d}`;
    case 'AAAA':
      return `${bare(rr.name)} has IPv6 address ${d}`;
    case 'CNAME':
      return `${bare(rr.name)} is an alias for ${d}`;
    case 'PTR':
      return `${rr.name.replace(/\.$/, '')} domain name pointer ${d}`;
    case 'TXT':
      return `${bare(rr.name)} descriptive text "${d}"`;
    case 'NS':
      return `${bare(rr.name)} name server ${d}`;
    case 'SRV':
      return typeof d === 'object' && 'port' in d ? `${bare(rr.name)} has SRV record ${d.priority} ${d.weight} ${d.port} ${d.target}` : '';
    case 'SOA':
      return typeof d === 'object' && 'mname' in d
        ? `${bare(rr.name)} has SOA record ${d.mname} ${d.rname} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`
        : '';
    default:
      return '';
  }
}

export async function host(args: string[], env: DnsToolEnv): Promise<ToolResult> {
  let type: RRType | undefined;
  const pos: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-t') {
      const v = args[++i] ?? '';
      const t = TYPES.find((x) => x === v.toUpperCase());
      if (!t) return { stdout: '', stderr: `host: invalid type: ${v}\n`, exitCode: 1 };
      type = t;
    } else if (args[i] === '-a') type = 'ANY';
    else if (!args[i].startsWith('-')) pos.push(args[i]);
  }
  const [name, serverName] = pos;
  if (!name)
    return {
      stdout: '',
      stderr: 'Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] hostname [server]\n',
      exitCode: 1,
    };
  const to = serverArg(serverName ?? env.nameservers[0] ?? '127.0.0.1');
  if (!to) return { stdout: '', stderr: `host: couldn't get address for '${serverName}': not found\n`, exitCode: 1 };
  const header = serverName ? `Using domain server:\nName: ${serverName}\nAddress: ${to.ip}#${to.port}\nAliases: \n\n` : '';
  const ptr = isIP(name) !== 0;
  const types: RRType[] = type ? [type] : ptr ? ['PTR'] : ['A', 'AAAA', 'MX'];
  const names = ptr ? [reverseName(name)] : searchCandidates(name, env.searches, resolvOption(env.options, 'ndots', 1));
  const timeout = resolverTimeoutMs(env);
  let last: Reply | undefined;
  for (const n of names) {
    const replies: Reply[] = [];
    for (const t of types) {
      const q: Question = { name: fqdn(n), type: t };
      const r = await query(env, to, q, timeout, 2);
      if (!r) return { stdout: `${header};; connection timed out; no servers could be reached\n`, stderr: '', exitCode: 1 };
      replies.push(r);
    }
    last = replies[0];
    if (replies[0].rcode === 'NOERROR') {
      // a CNAME is printed once, not for each type asked
      const seen = new Set<string>();
      const lines = replies.flatMap((r) => r.answer.map(describe)).filter((l) => l && !seen.has(l) && seen.add(l));
      if (!lines.length && type) return { stdout: `${header}${bare(n)} has no ${type} record\n`, stderr: '', exitCode: 0 };
      return { stdout: header + lines.map((l) => l + '\n').join(''), stderr: '', exitCode: 0 };
    }
    if (replies[0].rcode !== 'NXDOMAIN') break;
  }
  const code = last?.rcode ?? 'NXDOMAIN';
  const num = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 }[code];
  return { stdout: `${header}Host ${ptr ? bare(reverseName(name)) : name} not found: ${num}(${code})\n`, stderr: '', exitCode: 1 };
}
