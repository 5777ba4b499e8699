import { isIP } from 'node:net';
import type { Upstream } from '../config';
import type { Question, Reply } from '../message';
import { resolvOption, sleep } from '../stub-resolver';

/** what a DNS client program in a pod has: its resolv.conf and a way to send one query to a server */
export interface DnsToolEnv {
  nameservers: string[];
  searches: string[];
  options: string[];
  send(server: Upstream, q: Question): Promise<Reply | undefined>;
}

export interface ToolResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** `10.96.0.10`, `10.96.0.10:5353`, `10.96.0.10#5353` → an upstream; a name is not resolved (offline clients) */
export function serverArg(s: string, defaultPort = 53): Upstream | undefined {
  const m = /^\[?([^\]#]+?)\]?(?:[:#](\d+))?$/.exec(s);
  if (!m || !isIP(m[1])) return undefined;
  return { ip: m[1], port: m[2] ? Number(m[2]) : defaultPort };
}

/** one query with the client's own timeout and tries; undefined when the server never answers */
export async function query(env: DnsToolEnv, server: Upstream, q: Question, timeoutMs: number, tries = 1): Promise<Reply | undefined> {
  const reply = await env.send(server, q);
  if (reply) return reply;
  await sleep(timeoutMs * tries);
  return undefined;
}

export const resolverTimeoutMs = (env: DnsToolEnv) => resolvOption(env.options, 'timeout', 5) * 1000;

/** names without the root dot, as nslookup and host print them */
export const bare = (n: string) => (n.length > 1 ? n.replace(/\.$/, '') : n);
