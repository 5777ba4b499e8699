// `kubelab lab …` (list, show, start, check, hint, solve, reset, lint, import, exam) and `kubelab report …`.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultDataDir } from '../app/paths';
import { readKubeconfig } from '../lab-engine/kubeconfig';
import { KubeClient } from '../lab-engine/kube-client';
import { LabEngine } from '../lab-engine/engine';
import { findLab, importPack, labRoots, loadCatalog } from '../lab-engine/catalog';
import { lintLabs } from '../lab-engine/lint';
import { runLabTests } from './lab-test';
import { ProgressStore } from '../lab-engine/progress';
import { buildReport, generateInstructorKey, parseReportFile, reportHtml, signReport, verifyReport } from '../lab-engine/report';
import { restartAdvice, topologyProblems } from '../lab-engine/topology';
import type { Lab, LabResult, Lang } from '../lab-engine/types';

const LAB_HELP = `Usage: kubelab lab <command> [options]

Commands:
  list                      the labs, by chapter
  show LAB                  the lab's text (--lang en|zh)
  start LAB                 create the lab's namespace and starting objects (checks the cluster's topology)
  check LAB [--step ID]     grade the steps; exit 0 only when every step passes
                            (--no-wait: evaluate each check once instead of retrying up to its timeout)
  hint LAB STEP             reveal the next hint for a step (counted in your progress)
  solve LAB [--step ID]     apply the reference solution (instructors, CI)
  reset LAB                 delete the lab's objects and namespace, then run its setup again
  lint DIR...               validate lab directories and the grading rules (file:line for every finding)
  test [LAB...]             near-miss test: on a fresh cluster per lab (or --kubeconfig), a fresh lab fails every
                            step, each declared wrong attempt fails its step, the reference passes; prints a table
  import DIR|ZIP            add an instructor's lab pack to the data dir
  exam start LAB... [--minutes N] | exam status | exam finish
                            a timed set of labs graded at the end, without hints or checks in between

Options:
  --kubeconfig FILE   grade any cluster through this kubeconfig (default: <data-dir>/kubeconfig)
  --context NAME      kubeconfig context (default: current)
  --data-dir DIR      the KubeLab data folder: embedded cluster's kubeconfig, progress (default: ${defaultDataDir()})
  --labs-dir DIR      extra folder with labs (repeatable; also KUBELAB_LABS_PATH)
  --profile NAME      whose progress to record (default: $USER or "default")
  --lang en|zh        language of texts and messages (default en)
  --json              machine-readable output
  --seed TEXT         the per-student seed that draws a lab's parameters (default: KUBELAB_SEED, else the profile)
`;

const REPORT_HELP = `Usage: kubelab report [options]            write your progress report
       kubelab report keygen --out DIR       create an instructor key pair (instructor.key, instructor.pub)
       kubelab report verify FILE [--public-key PEM]

Options:
  --out FILE          write the JSON report here (default: print it)
  --html FILE         also write a printable HTML page
  --key PEM           sign with this instructor private key (also KUBELAB_INSTRUCTOR_KEY, or <data-dir>/instructor.key)
  --data-dir, --profile, --labs-dir as for kubelab lab
`;

const OPTIONS = {
  kubeconfig: { type: 'string' }, context: { type: 'string' }, 'data-dir': { type: 'string' },
  'labs-dir': { type: 'string', multiple: true }, profile: { type: 'string' }, lang: { type: 'string' },
  json: { type: 'boolean' }, seed: { type: 'string' }, 'no-wait': { type: 'boolean' }, step: { type: 'string', multiple: true }, minutes: { type: 'string' },
  out: { type: 'string' }, html: { type: 'string' }, key: { type: 'string' }, 'public-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];
function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

function dataDir(v: Values): string { return resolve(v['data-dir'] ?? defaultDataDir()); }
function lang(v: Values): Lang {
  const l = v.lang ?? 'en';
  if (l !== 'en' && l !== 'zh') throw new Error(`--lang must be en or zh, not "${l}"`);
  return l;
}
function profile(v: Values): ProgressStore { return new ProgressStore(dataDir(v), v.profile ?? process.env.KUBELAB_PROFILE ?? process.env.USER ?? 'default'); }

/** whose values a lab's parameters take: --seed, KUBELAB_SEED, else the profile name (one student, one lab) */
function seed(v: Values): string { return v.seed ?? process.env.KUBELAB_SEED ?? v.profile ?? process.env.KUBELAB_PROFILE ?? process.env.USER ?? 'default'; }

function catalog(v: Values): Lab[] {
  const { labs, problems } = loadCatalog(labRoots(dataDir(v), v['labs-dir'] ?? []), seed(v));
  for (const p of problems) err(`kubelab: skipping a lab with problems: ${p}`);
  return labs;
}

function connect(v: Values): { kube: KubeClient; kubeconfig: string } {
  const kubeconfig = resolve(v.kubeconfig ?? join(dataDir(v), 'kubeconfig'));
  if (!existsSync(kubeconfig)) throw new Error(`no kubeconfig at ${kubeconfig}: start a cluster (kubelab start${v['data-dir'] ? ` --data-dir ${v['data-dir']}` : ''}) or pass --kubeconfig`);
  return { kube: new KubeClient(readKubeconfig(kubeconfig, v.context)), kubeconfig };
}

async function withEngine<T>(v: Values, fn: (e: LabEngine, kube: KubeClient) => Promise<T>): Promise<T> {
  const { kube, kubeconfig } = connect(v);
  try {
    return await fn(new LabEngine({ kube, kubeconfig, lang: lang(v), log: v.json ? undefined : (l) => l && err(l) }), kube);
  } finally {
    kube.close();
  }
}

function printResult(r: LabResult, lab: Lab, l: Lang): void {
  out(`${lab.title[l]} (${lab.id})`);
  for (const s of r.steps) {
    out(`  ${s.ok ? '✔' : '✘'} ${s.id}: ${s.title}`);
    for (const c of s.checks) if (!c.ok) out(`      ${c.message}`);
  }
  out(`${r.passed}/${r.total} steps pass`);
}

function activeExam(store: ProgressStore, labId?: string): boolean {
  const e = store.load().exam;
  return !!e && !e.finishedAt && (!labId || e.labs.includes(labId));
}

export async function runLab(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args);
  const [cmd, ...rest] = positionals;
  if (v.help || !cmd) { out(LAB_HELP); return cmd || v.help ? 0 : 1; }
  const l = lang(v);
  switch (cmd) {
    case 'list': {
      const labs = catalog(v);
      const done = profile(v).load().labs;
      if (v.json) { out(JSON.stringify(labs.map((x) => ({ id: x.id, chapter: x.chapter, title: x.title, summary: x.summary, minutes: x.minutes, difficulty: x.difficulty, steps: x.steps.length, namespaces: x.namespaces, completed: !!done[x.id]?.completedAt })), null, 2)); return 0; }
      for (const x of labs) out(`${String(x.chapter).padStart(2)}  ${x.id.padEnd(24)} ${x.title[l]}  (${x.minutes} min, ${x.difficulty}${done[x.id]?.completedAt ? ', done' : ''})`);
      return 0;
    }
    case 'show': {
      const lab = findLab(catalog(v), need(rest[0], 'LAB'));
      if (v.json) { out(JSON.stringify(lab, null, 2)); return 0; }
      out(`# ${lab.title[l]}\n\n${lab.intro[l]}\n`);
      lab.steps.forEach((s, i) => out(`## ${i + 1}. ${s.title[l]}\n\n${s.text[l]}\n`));
      return 0;
    }
    case 'start': {
      const lab = findLab(catalog(v), need(rest[0], 'LAB'));
      return withEngine(v, async (e, kube) => {
        const mismatch = await topologyProblems(kube, lab);
        if (mismatch.length) {
          err(`kubelab: this cluster does not fit lab ${lab.id}:\n  - ${mismatch.join('\n  - ')}\n${restartAdvice(lab)}`);
          return 2;
        }
        await e.start(lab);
        const store = profile(v);
        if (!store.load().labs[lab.id]) store.started(lab.id);
        if (v.json) out(JSON.stringify({ lab: lab.id, namespaces: lab.namespaces, started: true }));
        else out(`Lab ${lab.id} is ready in namespace ${lab.namespaces.join(', ')}. Read it with: kubelab lab show ${lab.id}${l === 'zh' ? ' --lang zh' : ''}`);
        return 0;
      });
    }
    case 'check': {
      const lab = findLab(catalog(v), need(rest[0], 'LAB'));
      const store = profile(v);
      if (activeExam(store, lab.id)) { err('kubelab: this lab is part of a running exam; it is graded when you run `kubelab lab exam finish`'); return 3; }
      return withEngine(v, async (e) => {
        const r = await e.check(lab, v.step, { wait: !v['no-wait'] });
        if (!v.step?.length) store.recordCheck(r);
        if (v.json) out(JSON.stringify(r, null, 2)); else printResult(r, lab, l);
        return r.ok ? 0 : 1;
      });
    }
    case 'hint': {
      const lab = findLab(catalog(v), need(rest[0], 'LAB'));
      const step = lab.steps.find((s) => s.id === rest[1]) ?? lab.steps[Number(rest[1]) - 1];
      if (!step) throw new Error(`lab ${lab.id} has no step "${rest[1] ?? ''}" (steps: ${lab.steps.map((s) => s.id).join(', ')})`);
      const store = profile(v);
      if (activeExam(store, lab.id)) { err('kubelab: no hints during an exam'); return 3; }
      const n = Math.min(store.useHint(lab.id, step.id), step.hints.length);
      const shown = step.hints.slice(0, n).map((h) => h[l]);
      if (v.json) out(JSON.stringify({ lab: lab.id, step: step.id, hints: shown, more: n < step.hints.length }));
      else out(shown.map((h, i) => `Hint ${i + 1}/${step.hints.length}: ${h}`).join('\n'));
      return 0;
    }
    case 'solve': {
      const lab = findLab(catalog(v), need(rest[0], 'LAB'));
      if (activeExam(profile(v), lab.id)) { err('kubelab: no solutions during an exam'); return 3; }
      return withEngine(v, async (e) => {
        await e.solve(lab, v.step);
        if (!v.json) out(`Applied the reference solution of ${lab.id}${v.step?.length ? ` (steps ${v.step.join(', ')})` : ''}. Grade it with: kubelab lab check ${lab.id}`);
        return 0;
      });
    }
    case 'reset': {
      const lab = findLab(catalog(v), need(rest[0], 'LAB'));
      return withEngine(v, async (e) => {
        await e.reset(lab);
        if (!v.json) out(`Lab ${lab.id} is back at its starting state.`);
        return 0;
      });
    }
    case 'lint': {
      const dirs = rest.length ? rest : [need(undefined, 'DIR')];
      let errors = 0;
      const all = dirs.map((d) => ({ dir: d, ...lintLabs(resolve(d)) }));
      for (const r of all) errors += r.errors.length;
      if (v.json) out(JSON.stringify(all, null, 2));
      else for (const r of all) {
        for (const e of r.errors) out(`error: ${e}`);
        for (const w of r.warnings) out(`warning: ${w}`);
        out(`${r.dir}: ${r.labs} lab(s), ${r.errors.length} error(s), ${r.warnings.length} warning(s)`);
      }
      return errors ? 1 : 0;
    }
    case 'test': {
      const all = catalog(v);
      const labs = rest.length ? rest.map((id) => findLab(all, id)) : all;
      return runLabTests(labs, { kubeconfig: v.kubeconfig, lang: l, json: !!v.json, log: err });
    }
    case 'import': {
      const r = importPack(need(rest[0], 'DIR|ZIP'), dataDir(v));
      if (v.json) out(JSON.stringify(r)); else out(`Imported pack ${r.name} (${r.labs.join(', ')}) into ${r.dir}`);
      return 0;
    }
    case 'exam': return runExam(v, rest, l);
    default:
      err(`kubelab lab: unknown command "${cmd}"\n\n${LAB_HELP}`);
      return 1;
  }
}

async function runExam(v: Values, args: string[], l: Lang): Promise<number> {
  const [sub, ...ids] = args;
  const store = profile(v);
  const state = store.load().exam;
  switch (sub) {
    case 'start': {
      if (state && !state.finishedAt) { err(`kubelab: an exam is already running (${state.labs.join(', ')}); finish it first`); return 3; }
      const labs = ids.map((id) => findLab(catalog(v), id));
      if (!labs.length) throw new Error('name the labs of the exam: kubelab lab exam start LAB...');
      const minutes = Number(v.minutes ?? labs.reduce((n, x) => n + x.minutes, 0));
      if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, not "${v.minutes}"`);
      return withEngine(v, async (e, kube) => {
        for (const lab of labs) {
          const mismatch = await topologyProblems(kube, lab);
          if (mismatch.length) { err(`kubelab: lab ${lab.id} does not fit this cluster: ${mismatch.join('; ')}\n${restartAdvice(lab)}`); return 2; }
          await e.reset(lab);
        }
        const now = new Date();
        store.update((p) => { p.exam = { labs: labs.map((x) => x.id), startedAt: now.toISOString(), deadline: new Date(now.getTime() + minutes * 60_000).toISOString() }; });
        out(v.json ? JSON.stringify(store.load().exam) : `Exam started: ${labs.map((x) => x.title[l]).join(', ')}. You have ${minutes} minutes; no hints or checks until \`kubelab lab exam finish\`.`);
        return 0;
      });
    }
    case 'status': {
      if (!state || state.finishedAt) { out(v.json ? JSON.stringify({ running: false }) : 'No exam is running.'); return 0; }
      const left = Date.parse(state.deadline) - Date.now();
      out(v.json ? JSON.stringify({ running: true, ...state, remainingMs: Math.max(0, left) }) : `Exam: ${state.labs.join(', ')} — ${left > 0 ? `${Math.ceil(left / 60000)} minute(s) left` : 'time is up; run kubelab lab exam finish'}`);
      return 0;
    }
    case 'finish': {
      if (!state || state.finishedAt) { err('kubelab: no exam is running'); return 3; }
      const labs = state.labs.map((id) => findLab(catalog(v), id));
      return withEngine(v, async (e) => {
        // the state at the moment the student hands in is what counts: no retrying, and grading time isn't theirs
        const now = new Date();
        const results: LabResult[] = [];
        for (const lab of labs) results.push(await e.check(lab, undefined, { wait: false }));
        store.update((p) => {
          const ex = { ...p.exam!, finishedAt: now.toISOString(), results, late: now.getTime() > Date.parse(state.deadline) };
          p.exam = ex;
          (p.exams ??= []).push(ex);
        });
        const passed = results.reduce((n, r) => n + r.passed, 0), total = results.reduce((n, r) => n + r.total, 0);
        if (v.json) out(JSON.stringify({ passed, total, late: now.getTime() > Date.parse(state.deadline), results }, null, 2));
        else { results.forEach((r, i) => printResult(r, labs[i], l)); out(`Exam score: ${passed}/${total} steps${now.getTime() > Date.parse(state.deadline) ? ' (finished after the deadline)' : ''}`); }
        return passed === total ? 0 : 1;
      });
    }
    default:
      throw new Error('usage: kubelab lab exam start LAB... [--minutes N] | exam status | exam finish');
  }
}

export async function runReport(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args);
  if (v.help) { out(REPORT_HELP); return 0; }
  const [sub, file] = positionals;
  if (sub === 'keygen') {
    const dir = resolve(need(v.out, '--out DIR'));
    mkdirSync(dir, { recursive: true });
    const k = generateInstructorKey();
    writeFileSync(join(dir, 'instructor.key'), k.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'instructor.pub'), k.publicKeyPem);
    out(`Wrote ${join(dir, 'instructor.key')} (keep it private) and ${join(dir, 'instructor.pub')} (give it to whoever verifies reports)`);
    return 0;
  }
  if (sub === 'verify') {
    const r = parseReportFile(readFileSync(need(file, 'FILE'), 'utf8'));
    const res = verifyReport(r, v['public-key'] ? readFileSync(v['public-key'], 'utf8') : undefined);
    out(v.json ? JSON.stringify(res) : `${res.valid ? 'OK' : 'INVALID'}: ${res.reason}`);
    return res.valid ? 0 : 1;
  }
  if (sub) { err(`kubelab report: unknown command "${sub}"\n\n${REPORT_HELP}`); return 1; }
  let report = buildReport(profile(v).load(), catalog(v));
  const keyFile = v.key ?? process.env.KUBELAB_INSTRUCTOR_KEY ?? (existsSync(join(dataDir(v), 'instructor.key')) ? join(dataDir(v), 'instructor.key') : undefined);
  if (keyFile) report = signReport(report, readFileSync(keyFile, 'utf8'));
  const json = JSON.stringify(report, null, 2);
  if (v.out) writeFileSync(v.out, json); else out(json);
  if (v.html) writeFileSync(v.html, reportHtml(report));
  if (v.out || v.html) err(`kubelab: report written${v.out ? ` to ${v.out}` : ''}${v.html ? `${v.out ? ' and' : ''} to ${v.html}` : ''}${keyFile ? ' (signed)' : ''}`);
  return 0;
}

function need(v: string | undefined, what: string): string {
  if (!v) throw new Error(`missing ${what}`);
  return v;
}
