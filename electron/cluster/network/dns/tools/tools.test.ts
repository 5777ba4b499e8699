import { describe, expect, it } from 'vitest';
import type { Question, Reply } from '../message';
import { busyboxNslookup, bindNslookup, legacyBusyboxNslookup } from './nslookup';
import { dig, rrLine } from './dig';
import { host } from './host';
import type { DnsToolEnv } from './env';
import { resolveWithSearch, searchCandidates } from '../stub-resolver';

const reply = (q: Question, rcode: Reply['rcode'], answer: Reply['answer'] = []): Reply => ({
  rcode,
  authoritative: true,
  recursionAvailable: false,
  question: q,
  answer,
  authority: [],
  additional: [],
});

/** a nameserver at 10.96.0.10 that knows one Service name; nothing answers elsewhere */
function env(known: Record<string, string> = { 'web.default.svc.cluster.local.': '10.96.5.5' }): DnsToolEnv & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    nameservers: ['10.96.0.10'],
    searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
    options: ['ndots:5', 'timeout:1'],
    async send(server, q) {
      asked.push(`${q.type} ${q.name}`);
      if (server.ip !== '10.96.0.10') return undefined;
      const ip = known[q.name.endsWith('.') ? q.name : `${q.name}.`];
      if (!ip) return reply(q, 'NXDOMAIN');
      return reply(q, 'NOERROR', q.type === 'A' ? [{ name: q.name, type: 'A', ttl: 30, data: ip }] : []);
    },
  };
}

const BANNER = 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.';

describe('stub resolver', () => {
  it('applies ndots: fewer dots → search domains first, then the name itself', () => {
    expect(searchCandidates('web', ['a.svc', 'svc'], 5)).toEqual(['web.a.svc.', 'web.svc.', 'web.']);
    expect(searchCandidates('a.b.c.d.e.f', ['svc'], 5)).toEqual(['a.b.c.d.e.f.', 'a.b.c.d.e.f.svc.']);
    expect(searchCandidates('web.', ['svc'], 5)).toEqual(['web.']);
  });
  it('returns the first candidate with addresses, and times out when no server answers', async () => {
    const e = env();
    const ctx = { podIP: '10.244.1.3', namespace: 'default', searches: e.searches, nameservers: ['10.96.0.10'], options: e.options };
    expect(await resolveWithSearch('web', ctx, (s, q) => e.send(s, q))).toMatchObject({ addresses: ['10.96.5.5'], name: 'web.default.svc.cluster.local.' });
    const dead = await resolveWithSearch('web', { ...ctx, nameservers: ['10.96.0.99'] }, (s, q) => e.send(s, q));
    expect(dead.rcode).toBe('TIMEOUT');
  });
});

describe('nslookup', () => {
  it('busybox 1.36: A and AAAA for every search domain of a dotless name; exit 1 because some were NXDOMAIN', async () => {
    const r = await busyboxNslookup(['web'], env(), BANNER);
    expect(r.stdout).toBe(
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n' +
        'Name:\tweb.default.svc.cluster.local\nAddress: 10.96.5.5\n\n' +
        "** server can't find web.svc.cluster.local: NXDOMAIN\n\n** server can't find web.cluster.local: NXDOMAIN\n\n" +
        "\n** server can't find web.svc.cluster.local: NXDOMAIN\n\n** server can't find web.cluster.local: NXDOMAIN\n\n",
    );
    expect(r.exitCode).toBe(1);
  });
  it('busybox 1.36: a name with a dot is asked as is; no server answering prints the timeout line only', async () => {
    const e = env();
    await busyboxNslookup(['web.default'], e, BANNER);
    expect(e.asked).toEqual(['A web.default', 'AAAA web.default']);
    expect(await busyboxNslookup(['web', '10.96.0.99'], env(), BANNER)).toEqual({
      stdout: ';; connection timed out; no servers could be reached\n\n',
      stderr: '',
      exitCode: 1,
    });
  });
  it('busybox 1.28 resolves through the search path and prints Address 1 lines', async () => {
    const r = await legacyBusyboxNslookup(['web'], env(), BANNER);
    expect(r.stdout).toBe('Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nName:      web\nAddress 1: 10.96.5.5\n');
    expect((await legacyBusyboxNslookup(['nope'], env(), BANNER)).stderr).toBe("nslookup: can't resolve 'nope'\n");
  });
  it('BIND: search list with ndots, #53 after the server', async () => {
    expect((await bindNslookup(['web'], env())).stdout).toBe(
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.5.5\n\n',
    );
    expect((await bindNslookup(['nope'], env())).stdout).toContain("** server can't find nope: NXDOMAIN");
  });
});

describe('dig and host', () => {
  it('aligns records at tab stops as dig prints them', () => {
    expect(rrLine({ name: 'web.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.5.5' })).toBe(
      'web.default.svc.cluster.local. 30 IN\tA\t10.96.5.5',
    );
    expect(rrLine({ name: 'web.', type: 'A', ttl: 30, data: '10.96.5.5' })).toBe('web.\t\t\t30\tIN\tA\t10.96.5.5');
  });
  it('dig: no search list unless +search; +short prints the data; a dead server exits 9', async () => {
    const full = await dig(['web.default.svc.cluster.local'], env(), () => new Date('2026-12-03T07:19:46Z'));
    expect(full.stdout).toContain(';; ->>HEADER<<- opcode: QUERY, status: NOERROR');
    expect(full.stdout).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n;; WARNING: recursion requested but not available\n');
    expect(full.stdout).toContain(';; SERVER: 10.96.0.10#53(10.96.0.10)\n;; WHEN: Thu Dec 03 07:19:46 UTC 2026\n');
    expect((await dig(['+short', 'web'], env())).stdout).toBe('');
    expect((await dig(['+short', '+search', 'web'], env())).stdout).toBe('10.96.5.5\n');
    expect((await dig(['@10.96.0.99', '+time=1', '+tries=1', 'web'], env())).exitCode).toBe(9);
  });
  it('host: the search path, and NXDOMAIN in its words', async () => {
    expect(await host(['web'], env())).toEqual({ stdout: 'web.default.svc.cluster.local has address 10.96.5.5\n', stderr: '', exitCode: 0 });
    expect((await host(['nope'], env())).stdout).toBe('Host nope not found: 3(NXDOMAIN)\n');
  });
});
