/**
 * DNS messages as the cluster's resolver and the simulated CoreDNS exchange them: parsed questions and records,
 * not wire bytes (nothing here leaves the process). Names are fully qualified, lower case, with the trailing dot.
 */
export type RRType = 'A' | 'AAAA' | 'CNAME' | 'SRV' | 'PTR' | 'TXT' | 'SOA' | 'NS' | 'MX' | 'ANY';
export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

export const RCODE_NUMBER: Record<Rcode, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

export interface Question {
  name: string;
  type: RRType;
}

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}
export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface RR {
  name: string;
  type: Exclude<RRType, 'ANY'>;
  ttl: number;
  /** A/AAAA: the address; CNAME/PTR/NS: the target name; TXT: the text; SRV and SOA: structured */
  data: string | SrvData | SoaData;
}

export interface Reply {
  rcode: Rcode;
  /** answered by a server authoritative for the zone (CoreDNS's kubernetes, hosts) rather than forwarded */
  authoritative: boolean;
  /** CoreDNS sets no RA bit: dig warns "recursion requested but not available" */
  recursionAvailable: boolean;
  question: Question;
  answer: RR[];
  authority: RR[];
  additional: RR[];
}

/** `Web.Default` → `web.default.` */
export function fqdn(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** whether `name` is `zone` or below it (both fully qualified) */
export function inZone(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}

/** the reverse-lookup name of an IPv4 address: 10.96.0.10 → 10.0.96.10.in-addr.arpa. */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

/** 10.0.96.10.in-addr.arpa. → 10.96.0.10 */
export function ipFromReverse(name: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa\.$/.exec(name);
  return m ? [m[4], m[3], m[2], m[1]].join('.') : undefined;
}

export function emptyReply(question: Question, rcode: Rcode, authoritative = false): Reply {
  return { rcode, authoritative, recursionAvailable: false, question, answer: [], authority: [], additional: [] };
}

/** an answer's records in zone-file order: `name ttl IN type data` (dig's and host's view of them) */
export function rdataText(rr: RR): string {
  if (typeof rr.data === 'string') return rr.type === 'TXT' ? `"${rr.data}"` : rr.data;
  if ('port' in rr.data) return `${rr.data.priority} ${rr.data.weight} ${rr.data.port} ${rr.data.target}`;
  const s = rr.data;
  return `${s.mname} ${s.rname} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
}
