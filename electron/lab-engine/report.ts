// Progress reports as JSON and a printable HTML page, optionally signed with an instructor's Ed25519 key.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { timeSpentMs, type LabEvent, type Profile } from './progress';
import type { Lab } from './types';

export interface ReportLab {
  id: string;
  chapter: number;
  title: string;
  passed: number;
  total: number;
  completed: boolean;
  /** checks run */
  attempts: number;
  hintsUsed: number;
  timeSpentMs: number;
  /** times the lab was reset (each reset starts a new attempt; nothing earlier is erased) */
  resets: number;
  /** steps whose reference solution was applied to the cluster */
  solutionApplied: string[];
  /** steps whose reference solution text was shown */
  solutionShown: string[];
  steps: { id: string; done: boolean; passedAt?: string; attempts: number; hintsUsed: number; solutionShown: boolean; solutionApplied: boolean }[];
  /** the append-only record: starts, resets, checks, passes, hints and solutions with their times */
  log: LabEvent[];
  /** the seed the lab's parameters were drawn from (labs with parameters only): an instructor reproduces the lab with it */
  seed?: string;
}
/** what an exam allows, stated in the report so a reader knows the score was earned under them */
export const EXAM_RULES = 'timed; no hints, no solutions and no checks until the exam is finished; graded once, as the cluster is at hand-in';
export interface Report {
  kind: 'KubeLabReport';
  version: 1;
  profile: string;
  /** the learner's seed as kept in their progress (each lab with parameters also names the seed it was drawn from) */
  seed?: string;
  generatedAt: string;
  labs: ReportLab[];
  exams: { labs: string[]; startedAt: string; deadline: string; finishedAt?: string; late?: boolean; passed: number; total: number; rules: string }[];
  signature?: { algorithm: 'Ed25519'; keyId: string; publicKey: string; value: string };
}

export function buildReport(p: Profile, labs: Lab[], now = new Date()): Report {
  const byId = new Map(labs.map((l) => [l.id, l]));
  const out: ReportLab[] = [];
  for (const [id, lp] of Object.entries(p.labs).sort(([a], [b]) => a.localeCompare(b))) {
    const lab = byId.get(id);
    const stepIds = lab ? lab.steps.map((s) => s.id) : Object.keys(lp.steps);
    const steps = stepIds.map((s) => ({
      id: s,
      done: !!lp.steps[s]?.done,
      passedAt: lp.steps[s]?.doneAt,
      attempts: lp.steps[s]?.attempts ?? 0,
      hintsUsed: lp.steps[s]?.hintsUsed ?? 0,
      solutionShown: !!lp.steps[s]?.solutionShown,
      solutionApplied: !!lp.steps[s]?.solutionApplied,
    }));
    const log = lp.log ?? [];
    out.push({
      id,
      chapter: lab?.chapter ?? 0,
      title: lab?.title.en ?? id,
      passed: steps.filter((s) => s.done).length,
      total: steps.length,
      completed: !!lp.completedAt,
      attempts: lp.attempts,
      hintsUsed: steps.reduce((n, s) => n + s.hintsUsed, 0),
      timeSpentMs: timeSpentMs(lp, now),
      resets: log.filter((e) => e.type === 'reset').length,
      solutionApplied: steps.filter((s) => s.solutionApplied).map((s) => s.id),
      solutionShown: steps.filter((s) => s.solutionShown).map((s) => s.id),
      steps,
      log,
      seed: lab?.parameters.length ? lab.seed : undefined,
    });
  }
  const exams = (p.exams ?? []).map((e) => ({
    labs: e.labs,
    startedAt: e.startedAt,
    deadline: e.deadline,
    finishedAt: e.finishedAt,
    late: e.late,
    passed: (e.results ?? []).reduce((n, r) => n + r.passed, 0),
    total: (e.results ?? []).reduce((n, r) => n + r.total, 0),
    rules: EXAM_RULES,
  }));
  return { kind: 'KubeLabReport', version: 1, profile: p.profile, seed: p.seed, generatedAt: now.toISOString(), labs: out, exams };
}

/** JSON with sorted keys, so the signature doesn't depend on property order */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as any)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function payload(r: Report): Buffer {
  const { signature: _omit, ...rest } = r;
  void _omit;
  return Buffer.from(canonicalJson(rest));
}

export function keyId(pub: KeyObject): string {
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function generateInstructorKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

export function signReport(r: Report, privateKeyPem: string): Report {
  const priv = createPrivateKey(privateKeyPem);
  const pub = createPublicKey(priv);
  const value = sign(null, payload(r), priv).toString('base64');
  return { ...r, signature: { algorithm: 'Ed25519', keyId: keyId(pub), publicKey: pub.export({ type: 'spki', format: 'pem' }) as string, value } };
}

export interface Verification {
  valid: boolean;
  signed: boolean;
  keyId?: string;
  trusted?: boolean;
  reason: string;
}

/**
 * Checks the signature against the key embedded in the report; with `trustedPublicKeyPem` it also checks the
 * key is the instructor's (the embedded key alone proves integrity, not who signed).
 */
export function verifyReport(r: Report, trustedPublicKeyPem?: string): Verification {
  if (!r.signature) return { valid: false, signed: false, reason: 'the report is not signed' };
  let pub: KeyObject;
  try {
    pub = createPublicKey(r.signature.publicKey);
  } catch {
    return { valid: false, signed: true, reason: 'the embedded public key is unreadable' };
  }
  const ok = verify(null, payload(r), pub, Buffer.from(r.signature.value, 'base64'));
  const id = keyId(pub);
  if (!ok) return { valid: false, signed: true, keyId: id, reason: 'the signature does not match the content (the report was changed after signing)' };
  if (trustedPublicKeyPem) {
    const trusted = keyId(createPublicKey(trustedPublicKeyPem)) === id;
    return trusted
      ? { valid: true, signed: true, keyId: id, trusted, reason: 'signed by the given instructor key' }
      : { valid: false, signed: true, keyId: id, trusted, reason: `signed by key ${id}, not by the given instructor key` };
  }
  return { valid: true, signed: true, keyId: id, reason: `signature valid (key ${id}); pass --public-key to check who signed it` };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const mins = (ms: number) => `${Math.round(ms / 60000)} min`;

/** a printable page; the signed JSON is embedded so `kubelab report verify` accepts the HTML file too */
export function reportHtml(r: Report): string {
  const rows = r.labs
    .map(
      (l) =>
        `<tr><td>${l.chapter}</td><td>${esc(l.title)}</td><td>${l.passed}/${l.total}</td><td>${l.completed ? '✔' : ''}</td><td>${l.attempts}</td><td>${l.hintsUsed}</td><td>${esc((l.solutionApplied ?? []).join(', '))}</td><td>${l.resets ?? 0}</td><td>${mins(l.timeSpentMs)}</td></tr>`,
    )
    .join('\n');
  const exams = r.exams
    .map(
      (e) =>
        `<li>${esc(e.labs.join(', '))}: ${e.passed}/${e.total} steps${e.late ? ' (finished after the deadline)' : ''} — ${esc(e.startedAt)}. Rules: ${esc(e.rules ?? EXAM_RULES)}</li>`,
    )
    .join('\n');
  const sig = r.signature ? `Signed with instructor key <code>${r.signature.keyId}</code> (Ed25519).` : 'Not signed.';
  const json = JSON.stringify(r).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>KubeLab report — ${esc(r.profile)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left}th{background:#eee}@media print{body{margin:1cm}}</style>
</head><body>
<h1>KubeLab progress report</h1>
<p>Profile <b>${esc(r.profile)}</b>${r.seed ? `, seed <code>${esc(r.seed)}</code>` : ''}, generated ${esc(r.generatedAt)}. ${sig}</p>
<table><thead><tr><th>Chapter</th><th>Lab</th><th>Steps</th><th>Done</th><th>Checks</th><th>Hints</th><th>Solution applied (steps)</th><th>Resets</th><th>Time</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${exams ? `<h2>Exams</h2><ul>${exams}</ul>` : ''}
<script type="application/json" id="kubelab-report">${json}</script>
</body></html>
`;
}

/** reads a report from its JSON file or from the HTML page that embeds it */
export function parseReportFile(text: string): Report {
  const m = /<script type="application\/json" id="kubelab-report">([\s\S]*?)<\/script>/.exec(text);
  const r = JSON.parse(m ? m[1] : text) as Report;
  if (r?.kind !== 'KubeLabReport') throw new Error('not a KubeLab report');
  return r;
}
