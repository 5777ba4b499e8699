import { describe, it, expect } from 'vitest';
import { buildReport, generateInstructorKey, parseReportFile, reportHtml, signReport, verifyReport, canonicalJson } from './report';
import type { Profile } from './progress';

const profile: Profile = {
  profile: 'alice',
  labs: {
    '06-deployment': {
      startedAt: '2025-01-01T10:00:00Z',
      completedAt: '2025-01-01T10:30:00Z',
      attempts: 3,
      steps: { create: { done: true, attempts: 1, hintsUsed: 1 }, scale: { done: true, attempts: 2, hintsUsed: 0 } },
    },
  },
};

describe('reports', () => {
  const key = generateInstructorKey();
  const report = buildReport(profile, [], new Date('2025-01-02T00:00:00Z'));

  it('summarises progress', () => {
    expect(report.labs[0]).toMatchObject({ id: '06-deployment', passed: 2, total: 2, completed: true, hintsUsed: 1, timeSpentMs: 30 * 60_000 });
  });

  it('carries the log facts: passes with times, hints, solutions applied, resets, and exam rules', () => {
    const p: Profile = {
      profile: 'dan',
      labs: {
        '06-deployment': {
          startedAt: '2025-01-01T10:00:00Z',
          attempts: 1,
          attempt: 2,
          steps: { create: { done: true, doneAt: '2025-01-01T10:05:00Z', attempts: 1, hintsUsed: 1, hintsRevealed: [0], solutionApplied: true } },
          log: [
            { at: '2025-01-01T10:00:00Z', type: 'start', attempt: 1 },
            { at: '2025-01-01T10:01:00Z', type: 'reset', attempt: 2 },
            { at: '2025-01-01T10:02:00Z', type: 'solution-applied', attempt: 2, step: 'create' },
          ],
        },
      },
      exams: [
        { labs: ['06-deployment'], startedAt: '2025-01-02T10:00:00Z', deadline: '2025-01-02T11:00:00Z', finishedAt: '2025-01-02T10:50:00Z', results: [] },
      ],
    };
    const r = buildReport(p, []);
    expect(r.labs[0]).toMatchObject({
      resets: 1,
      solutionApplied: ['create'],
      steps: [{ id: 'create', passedAt: '2025-01-01T10:05:00Z', hintsUsed: 1, solutionApplied: true }],
    });
    expect(r.labs[0].log).toHaveLength(3);
    expect(r.exams[0].rules).toMatch(/no hints, no solutions/);
    expect(reportHtml(r)).toMatch(/Rules: timed; no hints/);
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
