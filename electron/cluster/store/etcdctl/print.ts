// etcdctl's output formats (v3.5): simple, json (base64 keys and values, uint64 ids as exact digits), fields, and the
// bordered table of `-w table` (headers centred, cells right-aligned, as etcdctl configures its table writer).
import type { KeyValue } from '../types';

export interface Header {
  clusterId: string;
  memberId: string;
  revision: number;
  raftTerm: number;
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** etcd's JSON: ids are uint64s printed exactly, which JSON.stringify of a number cannot do */
export function headerJson(h: Header): string {
  return `{"cluster_id":${BigInt('0x' + h.clusterId)},"member_id":${BigInt('0x' + h.memberId)},"revision":${h.revision},"raft_term":${h.raftTerm}}`;
}

export function kvJson(kv: KeyValue, keysOnly: boolean): string {
  const value = keysOnly ? '' : `,"value":"${b64(kv.value)}"`;
  return `{"key":"${b64(kv.key)}","create_revision":${kv.createRevision},"mod_revision":${kv.modRevision},"version":${kv.version}${value}}`;
}

/** `-w fields`: one quoted name and value per line */
export function fieldLines(h: Header): string[] {
  return [
    `"ClusterID" : ${BigInt('0x' + h.clusterId)}`,
    `"MemberID" : ${BigInt('0x' + h.memberId)}`,
    `"Revision" : ${h.revision}`,
    `"RaftTerm" : ${h.raftTerm}`,
  ];
}
export function kvFieldLines(kv: KeyValue, keysOnly: boolean): string[] {
  return [
    `"Key" : ${JSON.stringify(kv.key)}`,
    `"CreateRevision" : ${kv.createRevision}`,
    `"ModRevision" : ${kv.modRevision}`,
    `"Version" : ${kv.version}`,
    ...(keysOnly ? [] : [`"Value" : ${JSON.stringify(kv.value)}`]),
    `"Lease" : 0`,
  ];
}

/** `\xNN` per byte, as --hex prints keys and values */
export function hex(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

/** go-humanize's Bytes: SI units, one decimal below 10 */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  const e = Math.min(Math.floor(Math.log(n) / Math.log(1000)), units.length - 1);
  const v = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${units[e]}`;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const rule = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const centre = (s: string, w: number) => {
    const left = Math.floor((w - s.length) / 2);
    return ' '.repeat(left) + s + ' '.repeat(w - s.length - left);
  };
  const line = (cells: string[], head: boolean) => '| ' + cells.map((c, i) => (head ? centre(c, widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  return [rule, line(headers, true), rule, ...rows.map((r) => line(r, false)), rule].join('\n') + '\n';
}
