/**
 * nslookup as two families print it: busybox ≥ 1.29 (the LEDE rewrite: A and AAAA for each search domain when the
 * name has no dot, answers in reply order, exit 1 when any query failed), busybox 1.28 (getaddrinfo with the
 * libc search path, `Address 1:` lines) and BIND's (Debian dnsutils).
 */
import { isIP } from 'node:net';
import { fqdn, reverseName, type Question, type Reply, type RRType } from '../message';
import { resolveWithSearch, searchCandidates, resolvOption } from '../stub-resolver';
import { bare, query, resolverTimeoutMs, serverArg, type DnsToolEnv, type ToolResult } from './env';

const TYPES: RRType[] = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'ANY'];

interface Parsed {
  host: string;
  server?: string;
  types: RRType[];
  timeoutS?: number;
  port: number;
  bad?: string;
}

function parse(args: string[]): Parsed | undefined {
  const p: Parsed = { host: '', types: [], port: 53 };
  const pos: string[] = [];
  for (const a of args) {
    if (!a.startsWith('-')) {
      pos.push(a);
      continue;
    }
    const [k, v = ''] = a.slice(1).split('=');
    if (['type', 'querytype', 'query', 'q', 'ty'].includes(k)) {
      const t = TYPES.find((x) => x.toLowerCase() === v.toLowerCase());
      if (!t) {
        p.bad = v;
        return p;
      }
      p.types.push(t);
    } else if (k === 'timeout' || k === 't') p.timeoutS = Number(v);
    else if (k === 'port') p.port = Number(v);
    else if (k !== 'debug' && k !== 'retry') return undefined;
  }
  if (!pos.length || pos.length > 2) return undefined;
  [p.host, p.server] = pos;
  return p;
}

function recordLines(r: Reply): string {
  let out = '';
  for (const rr of r.answer) {
    const n = bare(rr.name);
    const d = rr.data;
    if (rr.type === 'A' || rr.type === 'AAAA') out += `Name:\t${n}\nAddress: ${d}\n`;
    else if (rr.type === 'CNAME') out += `${n}\tcanonical name = ${bare(d as string)}\n`;
    else if (rr.type === 'PTR') out += `${n}\tname = ${bare(d as string)}\n`;
    else if (rr.type === 'NS') out += `${n}\tnameserver = ${bare(d as string)}\n`;
    else if (rr.type === 'TXT') out += `${n}\ttext = "${d}"\n`;
    else if (rr.type === 'SRV' && typeof d === 'object' && 'port' in d) out += `${n}\tservice = ${d.priority} ${d.weight} ${d.port} ${bare(d.target)}\n`;
    else if (rr.type === 'SOA' && typeof d === 'object' && 'mname' in d)
      out += `${n}\n\torigin = ${bare(d.mname)}\n\tmail addr = ${bare(d.rname)}\n\tserial = ${d.serial}\n\trefresh = ${d.refresh}\n\tretry = ${d.retry}\n\texpire = ${d.expire}\n\tminimum = ${d.minimum}\n`;
  }
  return out;
}

const USAGE = (banner: string) =>
  `${banner}\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n`;

/** busybox 1.29+ */
export async function busyboxNslookup(args: string[], env: DnsToolEnv, banner: string): Promise<ToolResult> {
  const p = parse(args);
  if (!p) return { stdout: '', stderr: USAGE(banner), exitCode: 1 };
  if (p.bad !== undefined) return { stdout: '', stderr: `nslookup: invalid query type "${p.bad}"\n`, exitCode: 1 };
  const serverName = p.server ?? env.nameservers[0] ?? '127.0.0.1';
  const server = serverArg(serverName, p.port);
  if (!server) return { stdout: '', stderr: `nslookup: bad address '${serverName}'\n`, exitCode: 1 };
  const queries: Question[] = [];
  // busybox takes only the first search line and applies it to names without any dot, never trying the bare name
  const withSearch = (t: RRType, name: string) => {
    if (t === 'PTR' || !env.searches.length || name.includes('.')) queries.push({ name, type: t });
    else for (const s of env.searches) queries.push({ name: `${name}.${s}`, type: t });
  };
  if (!p.types.length) {
    if (isIP(p.host) === 4) queries.push({ name: bare(reverseName(p.host)), type: 'PTR' });
    else {
      withSearch('A', p.host);
      withSearch('AAAA', p.host);
    }
  } else for (const t of p.types) withSearch(t, p.host);
  const timeout = (p.timeoutS ?? 5) * 1000;
  const replies = await Promise.all(queries.map((q) => query(env, server, q, timeout)));
  if (replies.every((r) => !r)) return { stdout: ';; connection timed out; no servers could be reached\n\n', stderr: '', exitCode: 1 };
  let out = `Server:\t\t${serverName}\nAddress:\t${server.ip}:${server.port}\n\n`;
  let failed = false;
  let missing = '';
  replies.forEach((r, i) => {
    if (!r) {
      missing += `*** Can't find ${queries[i].name}: No answer\n`;
      return;
    }
    if (r.rcode !== 'NOERROR') {
      out += `** server can't find ${queries[i].name}: ${r.rcode}\n\n`;
      failed = true;
      return;
    }
    out += (r.authoritative ? '' : 'Non-authoritative answer:\n') + recordLines(r) + '\n';
  });
  if (missing) out += missing + '\n';
  return { stdout: out, stderr: '', exitCode: failed ? 1 : 0 };
}

/** busybox 1.28 and older: the libc resolver (search path, ndots) and a reverse lookup for every address */
export async function legacyBusyboxNslookup(args: string[], env: DnsToolEnv, banner: string): Promise<ToolResult> {
  const pos = args.filter((a) => !a.startsWith('-'));
  if (!pos.length || pos.length > 2 || args.some((a) => a.startsWith('-')))
    return {
      stdout: '',
      stderr: `${banner}\n\nUsage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n`,
      exitCode: 1,
    };
  const server = serverArg(pos[1] ?? env.nameservers[0] ?? '127.0.0.1');
  if (!server) return { stdout: '', stderr: `nslookup: can't resolve '${pos[1]}'\n`, exitCode: 1 };
  const ctx = { podIP: '', namespace: '', searches: env.searches, nameservers: [server.ip], options: env.options };
  const send = (s: { ip: string; port: number }, q: Question) => env.send({ ip: s.ip, port: server.port }, q);
  const ptr = async (ip: string) => {
    const r = await env.send(server, { name: reverseName(ip), type: 'PTR' });
    const name = r?.answer.find((a) => a.type === 'PTR')?.data as string | undefined;
    return name ? ` ${bare(name)}` : '';
  };
  const head = `Server:    ${server.ip}\nAddress 1: ${server.ip}${await ptr(server.ip)}\n\n`;
  const found = await resolveWithSearch(pos[0], ctx, send);
  if (!found.addresses.length) return { stdout: head, stderr: `nslookup: can't resolve '${pos[0]}'\n`, exitCode: 1 };
  let out = `${head}Name:      ${pos[0]}\n`;
  for (let i = 0; i < found.addresses.length; i++) out += `Address ${i + 1}: ${found.addresses[i]}${await ptr(found.addresses[i])}\n`;
  return { stdout: out, stderr: '', exitCode: 0 };
}

/** BIND 9's nslookup (dnsutils): the resolver's search list and ndots, `#53` after the server address */
export async function bindNslookup(args: string[], env: DnsToolEnv): Promise<ToolResult> {
  const p = parse(args);
  if (!p || p.bad !== undefined) return { stdout: '', stderr: `*** Invalid option: ${args.find((a) => a.startsWith('-')) ?? ''}\n`, exitCode: 1 };
  const serverName = p.server ?? env.nameservers[0] ?? '127.0.0.1';
  const server = serverArg(serverName, p.port);
  if (!server) return { stdout: '', stderr: `;; couldn't get address for '${serverName}': not found\n`, exitCode: 1 };
  const type: RRType = p.types[0] ?? (isIP(p.host) ? 'PTR' : 'A');
  const timeout = (p.timeoutS ?? resolverTimeoutMs(env) / 1000) * 1000;
  const names = isIP(p.host) ? [reverseName(p.host)] : searchCandidates(p.host, env.searches, resolvOption(env.options, 'ndots', 1));
  const head = `Server:\t\t${server.ip}\nAddress:\t${server.ip}#${server.port}\n\n`;
  let last: Reply | undefined;
  for (const name of names) {
    const r = await query(env, server, { name: fqdn(name), type }, timeout, 2);
    if (!r) return { stdout: `;; connection timed out; no servers could be reached\n\n`, stderr: '', exitCode: 1 };
    last = r;
    if (r.rcode === 'NOERROR' && r.answer.length) {
      let body = r.authoritative ? '' : 'Non-authoritative answer:\n';
      for (const rr of r.answer) {
        if (rr.type === 'CNAME') body += `${bare(rr.name)}\tcanonical name = ${rr.data}\n`;
        else if (rr.type === 'PTR') body += `${bare(rr.name)}\tname = ${rr.data}\n`;
        else if (rr.type === 'SRV' && typeof rr.data === 'object' && 'port' in rr.data)
          body += `${bare(rr.name)}\tservice = ${rr.data.priority} ${rr.data.weight} ${rr.data.port} ${rr.data.target}\n`;
        else body += recordLines({ ...r, answer: [rr] });
      }
      return { stdout: head + body + '\n', stderr: '', exitCode: 0 };
    }
    if (r.rcode === 'SERVFAIL' || r.rcode === 'REFUSED') break;
  }
  const code = last?.rcode === 'NOERROR' ? 'NXDOMAIN' : (last?.rcode ?? 'NXDOMAIN');
  return { stdout: `${head}** server can't find ${isIP(p.host) ? bare(reverseName(p.host)) : p.host}: ${code}\n\n`, stderr: '', exitCode: 1 };
}
