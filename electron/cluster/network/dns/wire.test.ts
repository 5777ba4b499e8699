import { describe, expect, it } from 'vitest';
import { decodeQuery, encodeReply, serveDnsOverTcp } from './wire';
import { duplexPair } from '../../runtime/sim/net/duplex-pair';
import type { Reply } from './message';

/** what a stub resolver sends: id, RD, one question (and an OPT record with dig) */
function query(name: string, qtype: number, opt?: number): Buffer {
  const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, opt ? 1 : 0]);
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const tail = Buffer.from([0, qtype >> 8, qtype & 255, 0, 1]);
  const optRR = opt ? Buffer.from([0, 0, 41, opt >> 8, opt & 255, 0, 0, 0, 0, 0, 0]) : Buffer.alloc(0);
  return Buffer.concat([header, ...labels, tail, optRR]);
}

const answer = (q: { name: string; type: 'A' | 'AAAA' }, n: number): Reply => ({
  rcode: 'NOERROR',
  authoritative: true,
  recursionAvailable: false,
  question: q,
  answer: Array.from({ length: n }, (_v, i) => ({ name: q.name, type: 'A' as const, ttl: 30, data: `10.96.0.${i + 1}` })),
  authority: [],
  additional: [],
});

describe('DNS on the wire for Docker pods', () => {
  it('reads the question of a query, lower-cased and fully qualified', () => {
    const q = decodeQuery(query('Kubernetes.default.svc.cluster.local', 1))!;
    expect(q).toMatchObject({ id: 0x1234, question: { name: 'kubernetes.default.svc.cluster.local.', type: 'A' }, udpSize: 512, edns: false });
    expect(decodeQuery(query('x.local', 65))?.question).toBeUndefined();
    expect(decodeQuery(Buffer.from([1, 2, 3]))).toBeUndefined();
  });

  it('answers with the id, the question as asked, AA and the records', () => {
    const raw = query('kubernetes.default.svc.cluster.local', 1);
    const q = decodeQuery(raw)!;
    const out = encodeReply(q, answer(q.question as { name: string; type: 'A' }, 1), q.udpSize);
    expect(out.readUInt16BE(0)).toBe(0x1234);
    expect(out.readUInt16BE(2)).toBe(0x8000 | 0x0400 | 0x0100);
    expect(out.readUInt16BE(6)).toBe(1);
    expect(out.subarray(12, raw.length).equals(raw.subarray(12))).toBe(true);
    expect([...out.subarray(out.length - 4)]).toEqual([10, 96, 0, 1]);
  });

  it('sets TC and drops the records when the answer exceeds what the client takes over UDP', () => {
    const q = decodeQuery(query('big.default.svc.cluster.local', 1))!;
    const big = answer(q.question as { name: string; type: 'A' }, 40);
    const cut = encodeReply(q, big, q.udpSize);
    expect(cut.readUInt16BE(2) & 0x0200).toBe(0x0200);
    expect(cut.readUInt16BE(6)).toBe(0);
    const q4096 = decodeQuery(query('big.default.svc.cluster.local', 1, 4096))!;
    expect(q4096.udpSize).toBe(4096);
    expect(encodeReply(q4096, big, q4096.udpSize).readUInt16BE(6)).toBe(40);
  });

  it('carries the rcode of a failed lookup', () => {
    const q = decodeQuery(query('nope.default.svc.cluster.local', 28))!;
    expect(encodeReply(q, { rcode: 'NXDOMAIN' }).readUInt16BE(2) & 0x0f).toBe(3);
  });

  it('answers DNS over TCP message by message, each behind its length, on one connection', async () => {
    const [client, server] = duplexPair();
    const asked: string[] = [];
    serveDnsOverTcp(
      server,
      async (q) => {
        asked.push(q.name);
        return answer(q as { name: string; type: 'A' }, 1);
      },
      () => undefined,
    );
    const framed = (m: Buffer) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 255]), m]);
    const both = Buffer.concat([framed(query('a.default.svc.cluster.local', 1)), framed(query('b.default.svc.cluster.local', 1))]);
    let got = Buffer.alloc(0);
    const frames = (b: Buffer) => {
      let n = 0;
      for (let i = 0; i + 2 <= b.length && i + 2 + b.readUInt16BE(i) <= b.length; i += 2 + b.readUInt16BE(i)) n++;
      return n;
    };
    const two = new Promise<void>((resolve) =>
      client.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (frames(got) === 2) resolve();
      }),
    );
    // split mid-message: the server waits for the rest
    client.write(both.subarray(0, 10));
    client.write(both.subarray(10));
    await two;
    expect(asked).toEqual(['a.default.svc.cluster.local.', 'b.default.svc.cluster.local.']);
    const first = got.readUInt16BE(0);
    expect(got.length).toBe(2 + first + 2 + got.readUInt16BE(2 + first));
    expect(got.readUInt16BE(2)).toBe(0x1234);
  });
});
