// DNS messages on the wire (RFC 1035) for queries that come from real containers (the Docker Service proxy's UDP, and
// DNS over TCP to the simulated CoreDNS): the query's header and question
// become the cluster DNS's Question, its Reply becomes the bytes the container's resolver reads. Only what a
// stub resolver sends and reads: one question, no compression written, EDNS's UDP size honoured.
import type { Duplex } from 'node:stream';
import { parseIP } from '../policy/cidr';
import { fqdn, RCODE_NUMBER, type Question, type Reply, type RR, type RRType } from './message';

const TYPES: Record<RRType, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, ANY: 255 };
const OPT = 41;

export interface WireQuery {
  id: number;
  /** the opcode and RD bits, echoed in the reply */
  flags: number;
  /** the question's bytes, echoed as sent (the name's case included) */
  questionBytes: Buffer;
  /** undefined for a type the cluster DNS does not model */
  question?: Question;
  qtype: number;
  /** the largest UDP reply the client takes: 512, or its EDNS payload size */
  udpSize: number;
  edns: boolean;
}

export function decodeQuery(buf: Buffer): WireQuery | undefined {
  if (buf.length < 12 || buf[2] & 0x80 || buf.readUInt16BE(4) !== 1) return undefined;
  const name = readName(buf, 12);
  if (!name || name.next + 4 > buf.length) return undefined;
  const qtype = buf.readUInt16BE(name.next);
  let at = name.next + 4;
  const questionBytes = buf.subarray(12, at);
  const type = (Object.keys(TYPES) as RRType[]).find((t) => TYPES[t] === qtype);
  let udpSize = 512;
  let edns = false;
  const records = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  for (let i = 0; i < records && at < buf.length; i++) {
    const rr = readName(buf, at);
    if (!rr || rr.next + 10 > buf.length) break;
    if (buf.readUInt16BE(rr.next) === OPT) {
      edns = true;
      udpSize = Math.max(512, buf.readUInt16BE(rr.next + 2));
    }
    at = rr.next + 10 + buf.readUInt16BE(rr.next + 8);
  }
  return {
    id: buf.readUInt16BE(0),
    flags: buf.readUInt16BE(2) & 0x7900,
    questionBytes,
    question: type && { name: fqdn(name.name || '.'), type },
    qtype,
    udpSize,
    edns,
  };
}

/** the reply's bytes; over UDP an answer larger than the client takes is cut to its header with TC set */
export function encodeReply(q: WireQuery, reply: Reply | { rcode: Reply['rcode'] }, maxSize = Infinity): Buffer {
  const r = { authoritative: false, recursionAvailable: false, answer: [], authority: [], additional: [], ...reply } as Reply;
  const full = build(q, r, false);
  return full.length <= maxSize ? full : build(q, { ...r, answer: [], authority: [], additional: [] }, true);
}

function build(q: WireQuery, r: Reply, truncated: boolean): Buffer {
  const sections = [r.answer, r.authority, r.additional].map((rrs) => rrs.map(encodeRR));
  const opt = q.edns ? [optRecord()] : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  const flags = 0x8000 | q.flags | (r.authoritative ? 0x0400 : 0) | (truncated ? 0x0200 : 0) | (r.recursionAvailable ? 0x0080 : 0) | RCODE_NUMBER[r.rcode];
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(sections[0].length, 6);
  header.writeUInt16BE(sections[1].length, 8);
  header.writeUInt16BE(sections[2].length + opt.length, 10);
  return Buffer.concat([header, q.questionBytes, ...sections.flat(), ...opt]);
}

function optRecord(): Buffer {
  const b = Buffer.alloc(11);
  b.writeUInt16BE(OPT, 1);
  b.writeUInt16BE(4096, 3);
  return b;
}

function encodeRR(rr: RR): Buffer {
  const data = rdata(rr);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(TYPES[rr.type], 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(rr.ttl >>> 0, 4);
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([encodeName(rr.name), fixed, data]);
}

function rdata(rr: RR): Buffer {
  const d = rr.data;
  if (typeof d !== 'string') {
    if ('port' in d) return Buffer.concat([u16(d.priority), u16(d.weight), u16(d.port), encodeName(d.target)]);
    const nums = Buffer.alloc(20);
    [d.serial, d.refresh, d.retry, d.expire, d.minimum].forEach((n, i) => nums.writeUInt32BE(n >>> 0, i * 4));
    return Buffer.concat([encodeName(d.mname), encodeName(d.rname), nums]);
  }
  switch (rr.type) {
    case 'A':
      return Buffer.from(d.split('.').map(Number));
    case 'AAAA':
      return ipv6Bytes(d);
    case 'TXT': {
      const text = Buffer.from(d);
      const parts: Buffer[] = [];
      for (let i = 0; i === 0 || i < text.length; i += 255) {
        const part = text.subarray(i, i + 255);
        parts.push(Buffer.from([part.length]), part);
      }
      return Buffer.concat(parts);
    }
    case 'MX': {
      const [pref, host] = d.split(' ');
      return Buffer.concat([u16(Number(pref)), encodeName(host)]);
    }
    default:
      return encodeName(d);
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)])), Buffer.from([0])]);
}

function ipv6Bytes(ip: string): Buffer {
  const b = Buffer.alloc(16);
  const a = parseIP(ip);
  if (a?.family !== 6) return b;
  b.writeBigUInt64BE(a.n >> 64n, 0);
  b.writeBigUInt64BE(a.n & 0xffffffffffffffffn, 8);
  return b;
}

/** a name at `at`, following compression pointers; `next` is the offset after it where it was written */
function readName(buf: Buffer, at: number): { name: string; next: number } | undefined {
  const labels: string[] = [];
  let next: number | undefined;
  for (let hops = 0; hops < 64 && at < buf.length; hops++) {
    const len = buf[at];
    if (len === 0) return { name: labels.join('.'), next: next ?? at + 1 };
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= buf.length) return undefined;
      next ??= at + 2;
      at = ((len & 0x3f) << 8) | buf[at + 1];
      continue;
    }
    if (at + 1 + len > buf.length) return undefined;
    labels.push(buf.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  return undefined;
}

/**
 * DNS over TCP (RFC 1035 4.2.2): each message behind its two-byte length, answered in order on the same connection,
 * which stays open for more queries until the client closes it.
 */
export function serveDnsOverTcp(sock: Duplex, answer: (q: Question) => Promise<Reply | undefined>, log: (line: string) => void): void {
  let buf = Buffer.alloc(0);
  let queue = Promise.resolve();
  sock.on('error', () => sock.destroy());
  sock.on('end', () => void queue.then(() => sock.end()));
  sock.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
      buf = buf.subarray(2 + msg.length);
      const q = decodeQuery(msg);
      if (!q) {
        sock.destroy();
        return;
      }
      queue = queue
        .then(async () => {
          const reply = q.question ? await answer(q.question) : { rcode: 'NOTIMP' as const };
          if (!reply || sock.destroyed) return;
          const out = encodeReply(q, reply);
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length, 0);
          sock.write(Buffer.concat([len, out]));
        })
        .catch((e: Error) => {
          log(`[ERROR] dns over tcp: ${e.message}`);
          sock.destroy();
        });
    }
  });
}
