import { describe, it, expect } from 'vitest';
import { buildReport, generateInstructorKey, parseReportFile, reportHtml, signReport, verifyReport, canonicalJson } from './report';
import type { Profile } from './progress';

const profile: Profile = {
  profile: 'alice',
  labs: { '06-deployment': { startedAt: '2025-01-01T10:00:00Z', completedAt: '2025-01-01T10:30:00Z', attempts: 3, steps: { create: { done: true, attempts: 1, hintsUsed: 1 }, scale: { done: true, attempts: 2, hintsUsed: 0 } } } },
};

describe('reports', () => {
  const key = generateInstructorKey();
  const report = buildReport(profile, [], new Date('2025-01-02T00:00:00Z'));

  it('summarises progress', () => {
    expect(report.labs[0]).toMatchObject({ id: '06-deployment', passed: 2, total: 2, completed: true, hintsUsed: 1, timeSpentMs: 30 * 60_000 });
  });

  it('signs with Ed25519 and verifies, also from the HTML page', () => {
    const signed = signReport(report, key.privateKeyPem);
    expect(verifyReport(signed)).toMatchObject({ valid: true, signed: true });
    expect(verifyReport(signed, key.publicKeyPem)).toMatchObject({ valid: true, trusted: true });
    const fromHtml = parseReportFile(reportHtml(signed));
    expect(verifyReport(fromHtml, key.publicKeyPem).valid).toBe(true);
    // key order in the file does not matter
    expect(verifyReport(JSON.parse(JSON.stringify({ signature: signed.signature, ...report }))).valid).toBe(true);
  });

  it('detects tampering, an unsigned report, and a different signer', () => {
    const signed = signReport(report, key.privateKeyPem);
    const tampered = { ...signed, labs: [{ ...signed.labs[0], passed: 3 }] };
    expect(verifyReport(tampered)).toMatchObject({ valid: false, reason: expect.stringMatching(/changed after signing/) });
    expect(verifyReport(report)).toMatchObject({ valid: false, signed: false });
    const other = generateInstructorKey();
    expect(verifyReport(signReport(report, other.privateKeyPem), key.publicKeyPem)).toMatchObject({ valid: false, trusted: false });
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('escapes HTML in the page', () => {
    const p = { ...profile, profile: '<script>' };
    expect(reportHtml(buildReport(p, []))).not.toContain('<b><script>');
  });
});
