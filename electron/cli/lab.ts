// `kubelab lab …` (list, show, start, check, hint, solve, reset, lint, import, exam) and `kubelab report …`.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { defaultDataDir } from '../app/paths';
import { readKubeconfig } from '../lab-engine/kubeconfig';
import { KubeClient } from '../lab-engine/kube-client';
import { LabEngine, type GradedLab } from '../lab-engine/engine';
import { NOT_REACHED } from '../lab-engine/messages';
import { findLab, importPack, labRoots, loadCatalog } from '../lab-engine/catalog';
import { loadLab } from '../lab-engine/loader';
import { lintLabs } from '../lab-engine/lint';
import { findScenarios } from '../lab-engine/killercoda/scenario';
import { importScenarios } from '../lab-engine/killercoda/import';
import { runLabTests } from './lab-test';
import { ProgressStore } from '../lab-engine/progress';
import { buildReport, generateInstructorKey, parseReportFile, reportHtml, signReport, verifyReport } from '../lab-engine/report';
import { restartAdvice, topologyProblems } from '../lab-engine/topology';
import { missingToolProblems } from '../lab-engine/tools';
import { labProfileName, profileDir, DEFAULT_PROFILE } from '../app/cluster-profiles';
import { renderMarkdown, terminalStyle } from './terminal-markdown';
import type { Lab, Lang } from '../lab-engine/types';

const LAB_HELP = `Usage: kubelab lab <command> [options]

Commands:
  list                      the labs, by chapter
  show LAB                  the lab's text (--lang en|zh)
  start LAB                 create the lab's namespace and starting objects (checks the cluster's topology)
  check [LAB] [--step ID]   grade the steps once; exit 0 only when every step passes (LAB: default the lab
                            you started last; --wait: retry each check up to its timeout, showing progress)
  hint [LAB] [STEP]         reveal the next hint (default: of the first step not passed yet; counted once each)
  solve LAB [--step ID]     apply the reference solution (instructors, CI)
  reset LAB                 delete the lab's objects and namespace, then run its setup again
  lint DIR...               validate lab directories and the grading rules (file:line for every finding)
  test [LAB...]             near-miss test: on a fresh cluster per lab (or --kubeconfig), a fresh lab fails every
                            step, each declared wrong attempt fails its step, the reference passes; prints a table
  import DIR|ZIP            add an instructor's lab pack to the data dir; a Killercoda scenario (a folder with
                            index.json, or a folder of them) is converted into lab folders (--out DIR: there
                            instead of the data dir)
  seed [SEED]               the profile's seed (which draws its labs' parameters); with SEED: set it (instructors)
  exam start LAB... [--minutes N] | exam status | exam finish
                            a timed set of labs graded at the end, without hints or checks in between

A lab with its own topology (zones, GPUs, runtime handlers) runs on its own cluster: \`kubelab start --profile LAB\`
creates it in <data-dir>/profiles/LAB, and these commands use it by themselves when it exists.

Options:
  --kubeconfig FILE   grade any cluster through this kubeconfig (default: <data-dir>/kubeconfig, or the lab's profile)
  --context NAME      kubeconfig context (default: current)
  --data-dir DIR      the KubeLab data folder: embedded cluster's kubeconfig, progress (default: ${defaultDataDir()})
  --labs-dir DIR      extra folder with labs (repeatable; also KUBELAB_LABS_PATH)
  --profile NAME      whose progress to record (default: $USER or "default")
  --lang en|zh        language of texts and messages (default: the app's language setting, else LANG)
  --json              machine-readable output
  --seed TEXT         the per-student seed that draws a lab's parameters (default: KUBELAB_SEED, else the
                      profile's seed — kept in its progress, as the app keeps one per installation — else the profile name)
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
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'data-dir': { type: 'string' },
  'labs-dir': { type: 'string', multiple: true },
  profile: { type: 'string' },
  lang: { type: 'string' },
  json: { type: 'boolean' },
  wait: { type: 'boolean' },
  seed: { type: 'string' },
  'no-wait': { type: 'boolean' },
  step: { type: 'string', multiple: true },
  minutes: { type: 'string' },
  out: { type: 'string' },
  html: { type: 'string' },
  key: { type: 'string' },
  'public-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];
function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

function dataDir(v: Values): string {
  return resolve(v['data-dir'] ?? defaultDataDir());
}
/** --lang, else the app's language setting in the data dir, else LANG/LC_ALL (zh_* → Chinese), else English */
function lang(v: Values): Lang {
  if (v.lang !== undefined) {
    if (v.lang !== 'en' && v.lang !== 'zh') throw new Error(`--lang must be en or zh, not "${v.lang}"`);
    return v.lang;
  }
  try {
    const s = JSON.parse(readFileSync(join(dataDir(v), 'ui-settings.json'), 'utf8'));
    if (s.language === 'en' || s.language === 'zh') return s.language;
  } catch {
    /* no app settings: the environment decides */
  }
  return /^zh/i.test(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '') ? 'zh' : 'en';
}
function profile(v: Values): ProgressStore {
  return new ProgressStore(dataDir(v), v.profile ?? process.env.KUBELAB_PROFILE ?? process.env.USER ?? 'default');
}

/** whose values a lab's parameters take: --seed, KUBELAB_SEED, the profile's kept seed (the app draws one per
 * installation; an instructor may set it), else the profile name (one student, one lab) */
function seed(v: Values): string {
  return v.seed ?? process.env.KUBELAB_SEED ?? profile(v).load().seed ?? profile(v).profile;
}

function catalog(v: Values): Lab[] {
  const { labs, problems } = loadCatalog(labRoots(dataDir(v), v['labs-dir'] ?? []), seed(v));
  for (const p of problems) err(`kubelab: skipping a lab with problems: ${p}`);
  return labs;
}

/** the kubeconfig a lab is graded through: --kubeconfig, else the lab's own profile when it was created, else the data dir's */
function kubeconfigFor(v: Values, lab?: Lab): string {
  if (v.kubeconfig) return resolve(v.kubeconfig);
  const profile = lab ? labProfileName(lab) : DEFAULT_PROFILE;
  const own = join(profileDir(dataDir(v), profile), 'kubeconfig');
  return profile !== DEFAULT_PROFILE && existsSync(own) ? own : join(dataDir(v), 'kubeconfig');
}

function connect(v: Values, lab?: Lab): { kube: KubeClient; kubeconfig: string } {
  const kubeconfig = kubeconfigFor(v, lab);
  if (!existsSync(kubeconfig))
    throw new Error(
      `no kubeconfig at ${kubeconfig}: start a cluster (kubelab start${v['data-dir'] ? ` --data-dir ${v['data-dir']}` : ''}) or pass --kubeconfig`,
    );
  return { kube: new KubeClient(readKubeconfig(kubeconfig, v.context)), kubeconfig };
}

async function withEngine<T>(v: Values, fn: (e: LabEngine, kube: KubeClient) => Promise<T>, lab?: Lab): Promise<T> {
  const { kube, kubeconfig } = connect(v, lab);
  try {
    return await fn(new LabEngine({ kube, kubeconfig, lang: lang(v), log: v.json ? undefined : (l) => l && err(l) }), kube);
  } finally {
    kube.close();
  }
}

function printResult(r: GradedLab, lab: Lab, l: Lang): void {
  out(`${lab.title[l]} (${lab.id})`);
  // steps after the first one not passed are not reached yet: say they are open, not what they expect (--json has all)
  const reached = r.steps.findIndex((s) => !s.ok);
  r.steps.forEach((s, i) => {
    out(`  ${s.ok ? '✔' : '✘'} ${s.id}: ${s.title}`);
    if (reached >= 0 && i > reached) {
      if (!s.ok) out(`      ${NOT_REACHED[l]}`);
      return;
    }
    for (const c of s.checks) if (!c.ok) out(`      ${c.summary[l]}`);
  });
  out(l === 'zh' ? `${r.passed}/${r.total} 个步骤通过` : `${r.passed}/${r.total} steps pass`);
}

/** the lab `kubelab lab start` started last, so check, hint, solve and reset may leave out its id */
function currentLabFile(v: Values): string {
  return join(dataDir(v), 'labs', 'current-lab');
}
function rememberLab(v: Values, id: string): void {
  mkdirSync(join(dataDir(v), 'labs'), { recursive: true });
  writeFileSync(currentLabFile(v), `${id}\n`);
}
function currentLab(v: Values): string {
  const f = currentLabFile(v);
  if (!existsSync(f)) throw new Error('name the lab (no lab was started yet): kubelab lab check LAB');
  return readFileSync(f, 'utf8').trim();
}

/** a line on stderr every 2 s while checks retry, so a wait never looks like a hang */
function progressTicker(l: Lang): { stop(): void } {
  const t0 = Date.now();
  err(l === 'zh' ? '正在等待检查通过（最长到各检查的超时时间；Ctrl-C 可中止）…' : "waiting for the checks to pass (up to each check's timeout; Ctrl-C stops)…");
  const timer = setInterval(() => err(`  … ${Math.round((Date.now() - t0) / 1000)} s`), 2000);
  return { stop: () => clearInterval(timer) };
}

function activeExam(store: ProgressStore, labId?: string): boolean {
  const e = store.load().exam;
  return !!e && !e.finishedAt && (!labId || e.labs.includes(labId));
}

export async function runLab(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args);
  const [cmd, ...rest] = positionals;
  if (v.help || !cmd) {
    out(LAB_HELP);
    return cmd || v.help ? 0 : 1;
  }
  const l = lang(v);
  switch (cmd) {
    case 'list': {
      const labs = catalog(v);
      const done = profile(v).load().labs;
      if (v.json) {
        out(
          JSON.stringify(
            labs.map((x) => ({
              id: x.id,
              chapter: x.chapter,
              title: x.title,
              summary: x.summary,
              minutes: x.minutes,
              difficulty: x.difficulty,
              steps: x.steps.length,
              namespaces: x.namespaces,
              completed: !!done[x.id]?.completedAt,
            })),
            null,
            2,
          ),
        );
        return 0;
      }
      for (const x of labs)
        out(
          `${String(x.chapter).padStart(2)}  ${x.id.padEnd(24)} ${x.title[l]}  (${x.minutes} min, ${x.difficulty}${done[x.id]?.completedAt ? ', done' : ''})`,
        );
      return 0;
    }
    case 'show': {
      const lab = findLab(catalog(v), need(rest[0], 'LAB'));
      if (v.json) {
        out(JSON.stringify(lab, null, 2));
        return 0;
      }
      const st = terminalStyle(process.stdout);
      out(`${st.bold(lab.title[l])}\n\n${renderMarkdown(lab.intro[l], st)}\n`);
      lab.steps.forEach((s, i) => out(`${st.bold(`${l === 'zh' ? `第 ${i + 1} 步` : `Step ${i + 1}`}: ${s.title[l]}`)}\n\n${renderMarkdown(s.text[l], st)}\n`));
      return 0;
    }
    case 'start': {
      const lab = findLab(catalog(v), need(rest[0], 'LAB'));
      return withEngine(
        v,
        async (e, kube) => {
          const mismatch = await topologyProblems(kube, lab);
          if (mismatch.length) {
            err(
              l === 'zh'
                ? `kubelab：当前集群不适合实验 ${lab.id}：\n  - ${mismatch.map((m) => m.zh).join('\n  - ')}\n${restartAdvice(lab, l)}`
                : `kubelab: this cluster does not fit lab ${lab.id}:\n  - ${mismatch.map((m) => m.en).join('\n  - ')}\n${restartAdvice(lab, l)}`,
            );
            return 2;
          }
          // the lab still starts (its text can be read), but its steps cannot pass without the tool: say so first
          for (const m of missingToolProblems(lab)) err(`kubelab: ${m[l]}`);
          await e.start(lab);
          const store = profile(v);
          if (!store.load().labs[lab.id]) store.started(lab.id);
          rememberLab(v, lab.id);
          if (v.json) out(JSON.stringify({ lab: lab.id, namespaces: lab.namespaces, started: true }));
          else
            out(
              l === 'zh'
                ? `实验 ${lab.id} 已在命名空间 ${lab.namespaces.join(', ')} 中就绪。阅读实验：kubelab lab show ${lab.id}`
                : `Lab ${lab.id} is ready in namespace ${lab.namespaces.join(', ')}. Read it with: kubelab lab show ${lab.id}`,
            );
          return 0;
        },
        lab,
      );
    }
    case 'check': {
      const lab = findLab(catalog(v), rest[0] ?? currentLab(v));
      const store = profile(v);
      if (activeExam(store, lab.id)) {
        err(
          l === 'zh'
            ? 'kubelab：本实验属于正在进行的考试，运行 `kubelab lab exam finish` 时评分'
            : 'kubelab: this lab is part of a running exam; it is graded when you run `kubelab lab exam finish`',
        );
        return 3;
      }
      return withEngine(
        v,
        async (e) => {
          // once by default (an answer in a few seconds); --wait retries each check up to its timeout, with a heartbeat
          const wait = !!v.wait && !v['no-wait'];
          const ticker = wait && !v.json ? progressTicker(l) : undefined;
          let r: GradedLab;
          try {
            r = await e.check(lab, v.step, { wait });
          } finally {
            ticker?.stop();
          }
          if (!v.step?.length) store.recordCheck(r);
          if (v.json) out(JSON.stringify(r, null, 2));
          else printResult(r, lab, l);
          return r.ok ? 0 : 1;
        },
        lab,
      );
    }
    case 'hint': {
      const labs = catalog(v);
      // `hint STEP` (with a current lab), `hint LAB [STEP]` or just `hint`
      const named = rest[0] && labs.some((x) => x.id === rest[0] || String(x.chapter) === rest[0]) ? rest[0] : undefined;
      const lab = findLab(labs, named ?? currentLab(v));
      const stepArg = named ? rest[1] : rest[0];
      const store = profile(v);
      const progress = store.load().labs[lab.id];
      const step = stepArg
        ? (lab.steps.find((s) => s.id === stepArg) ?? lab.steps[Number(stepArg) - 1])
        : (lab.steps.find((s) => !progress?.steps[s.id]?.done) ?? lab.steps[lab.steps.length - 1]);
      if (!step) throw new Error(`lab ${lab.id} has no step "${stepArg ?? ''}" (steps: ${lab.steps.map((s) => s.id).join(', ')})`);
      if (activeExam(store, lab.id)) {
        err(l === 'zh' ? 'kubelab：考试期间没有提示' : 'kubelab: no hints during an exam');
        return 3;
      }
      const n = Math.min(store.useHint(lab.id, step.id, step.hints.length), step.hints.length);
      const shown = step.hints.slice(0, n).map((h) => h[l]);
      if (v.json) out(JSON.stringify({ lab: lab.id, step: step.id, hints: shown, more: n < step.hints.length }));
      else {
        out(`${step.title[l]} (${step.id})`);
        out(shown.map((h, i) => `${l === 'zh' ? '提示' : 'Hint'} ${i + 1}/${step.hints.length}: ${h}`).join('\n'));
      }
      return 0;
    }
    case 'solve': {
      const lab = findLab(catalog(v), rest[0] ?? currentLab(v));
      if (activeExam(profile(v), lab.id)) {
        err(l === 'zh' ? 'kubelab：考试期间不能使用答案' : 'kubelab: no solutions during an exam');
        return 3;
      }
      return withEngine(
        v,
        async (e) => {
          await e.solve(lab, v.step);
          profile(v).solutionApplied(lab.id, v.step?.length ? v.step : lab.steps.map((s) => s.id));
          if (!v.json)
            out(
              l === 'zh'
                ? `已应用 ${lab.id} 的参考答案${v.step?.length ? `（步骤 ${v.step.join(', ')}）` : ''}。评分：kubelab lab check ${lab.id}`
                : `Applied the reference solution of ${lab.id}${v.step?.length ? ` (steps ${v.step.join(', ')})` : ''}. Grade it with: kubelab lab check ${lab.id}`,
            );
          return 0;
        },
        lab,
      );
    }
    case 'reset': {
      const lab = findLab(catalog(v), rest[0] ?? currentLab(v));
      return withEngine(
        v,
        async (e) => {
          await e.reset(lab);
          profile(v).newAttempt(lab.id);
          if (!v.json)
            out(
              l === 'zh'
                ? `实验 ${lab.id} 已回到初始状态（集群回到开始本实验之前的样子）。`
                : `Lab ${lab.id} is back at its starting state (the cluster as it was before the lab).`,
            );
          return 0;
        },
        lab,
      );
    }
    case 'lint': {
      const dirs = rest.length ? rest : [need(undefined, 'DIR')];
      let errors = 0;
      const all = dirs.map((d) => ({ dir: d, ...lintLabs(resolve(d)) }));
      for (const r of all) errors += r.errors.length;
      if (v.json) out(JSON.stringify(all, null, 2));
      else
        for (const r of all) {
          for (const e of r.errors) out(`error: ${e}`);
          for (const w of r.warnings) out(`warning: ${w}`);
          out(`${r.dir}: ${r.labs} lab(s), ${r.errors.length} error(s), ${r.warnings.length} warning(s)`);
        }
      return errors ? 1 : 0;
    }
    case 'test': {
      const all = catalog(v);
      // a lab folder (labs/06-deployment) is tested as it is on disk, imported or not
      const labs = rest.length ? rest.map((id) => (existsSync(join(id, 'lab.yaml')) ? loadLab(resolve(id), seed(v)) : findLab(all, id))) : all;
      return runLabTests(labs, { kubeconfig: v.kubeconfig, lang: l, json: !!v.json, log: err });
    }
    case 'import': {
      const src = need(rest[0], 'DIR|ZIP');
      if (findScenarios(resolve(src)).length) return importKillercoda(v, src);
      const r = importPack(src, dataDir(v));
      if (v.json) out(JSON.stringify(r));
      else out(`Imported pack ${r.name} (${r.labs.join(', ')}) into ${r.dir}`);
      return 0;
    }
    case 'seed': {
      const store = profile(v);
      if (rest[0]) store.setSeed(rest[0]);
      out(rest[0] ?? seed(v));
      return 0;
    }
    case 'exam':
      return runExam(v, rest, l);
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
      if (state && !state.finishedAt) {
        err(`kubelab: an exam is already running (${state.labs.join(', ')}); finish it first`);
        return 3;
      }
      const labs = ids.map((id) => findLab(catalog(v), id));
      if (!labs.length) throw new Error('name the labs of the exam: kubelab lab exam start LAB...');
      const minutes = Number(v.minutes ?? labs.reduce((n, x) => n + x.minutes, 0));
      if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, not "${v.minutes}"`);
      return withEngine(v, async (e, kube) => {
        for (const lab of labs) {
          const mismatch = await topologyProblems(kube, lab);
          if (mismatch.length) {
            err(`kubelab: lab ${lab.id} does not fit this cluster: ${mismatch.map((m) => m[l]).join('; ')}\n${restartAdvice(lab, l)}`);
            return 2;
          }
          await e.reset(lab);
        }
        const now = new Date();
        store.update((p) => {
          p.exam = { labs: labs.map((x) => x.id), startedAt: now.toISOString(), deadline: new Date(now.getTime() + minutes * 60_000).toISOString() };
        });
        out(
          v.json
            ? JSON.stringify(store.load().exam)
            : `Exam started: ${labs.map((x) => x.title[l]).join(', ')}. You have ${minutes} minutes; no hints or checks until \`kubelab lab exam finish\`.`,
        );
        return 0;
      });
    }
    case 'status': {
      if (!state || state.finishedAt) {
        out(v.json ? JSON.stringify({ running: false }) : 'No exam is running.');
        return 0;
      }
      const left = Date.parse(state.deadline) - Date.now();
      out(
        v.json
          ? JSON.stringify({ running: true, ...state, remainingMs: Math.max(0, left) })
          : `Exam: ${state.labs.join(', ')} — ${left > 0 ? `${Math.ceil(left / 60000)} minute(s) left` : 'time is up; run kubelab lab exam finish'}`,
      );
      return 0;
    }
    case 'finish': {
      if (!state || state.finishedAt) {
        err('kubelab: no exam is running');
        return 3;
      }
      const labs = state.labs.map((id) => findLab(catalog(v), id));
      return withEngine(v, async (e) => {
        // the state at the moment the student hands in is what counts: no retrying, and grading time isn't theirs
        const now = new Date();
        const results: GradedLab[] = [];
        for (const lab of labs) results.push(await e.check(lab, undefined, { wait: false }));
        store.update((p) => {
          const ex = { ...p.exam!, finishedAt: now.toISOString(), results, late: now.getTime() > Date.parse(state.deadline) };
          p.exam = ex;
          (p.exams ??= []).push(ex);
        });
        const passed = results.reduce((n, r) => n + r.passed, 0),
          total = results.reduce((n, r) => n + r.total, 0);
        if (v.json) out(JSON.stringify({ passed, total, late: now.getTime() > Date.parse(state.deadline), results }, null, 2));
        else {
          results.forEach((r, i) => printResult(r, labs[i], l));
          out(`Exam score: ${passed}/${total} steps${now.getTime() > Date.parse(state.deadline) ? ' (finished after the deadline)' : ''}`);
        }
        return passed === total ? 0 : 1;
      });
    }
    default:
      throw new Error('usage: kubelab lab exam start LAB... [--minutes N] | exam status | exam finish');
  }
}

export async function runReport(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args);
  if (v.help) {
    out(REPORT_HELP);
    return 0;
  }
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
  if (sub) {
    err(`kubelab report: unknown command "${sub}"\n\n${REPORT_HELP}`);
    return 1;
  }
  let report = buildReport(profile(v).load(), catalog(v));
  const keyFile =
    v.key ?? process.env.KUBELAB_INSTRUCTOR_KEY ?? (existsSync(join(dataDir(v), 'instructor.key')) ? join(dataDir(v), 'instructor.key') : undefined);
  if (keyFile) report = signReport(report, readFileSync(keyFile, 'utf8'));
  const json = JSON.stringify(report, null, 2);
  if (v.out) writeFileSync(v.out, json);
  else out(json);
  if (v.html) writeFileSync(v.html, reportHtml(report));
  if (v.out || v.html)
    err(`kubelab: report written${v.out ? ` to ${v.out}` : ''}${v.html ? `${v.out ? ' and' : ''} to ${v.html}` : ''}${keyFile ? ' (signed)' : ''}`);
  return 0;
}

/** Killercoda scenarios become lab folders: in --out (to review and version them) or the data dir's packs */
function importKillercoda(v: Values, src: string): number {
  const outRoot = resolve(v.out ?? join(dataDir(v), 'labs', 'packs', basename(resolve(src))));
  const results = importScenarios(src, outRoot);
  if (v.json) out(JSON.stringify(results, null, 2));
  else
    for (const r of results) {
      if (r.errors.length) {
        err(`kubelab: scenario ${r.scenario} was not imported:\n  ${r.errors.join('\n  ')}`);
        continue;
      }
      out(`Imported Killercoda scenario ${r.scenario} as lab ${r.id} into ${r.dir}`);
      for (const u of r.unsupported) out(`  unsupported: ${u}`);
      for (const w of r.warnings) out(`  note: ${w}`);
      out(`  its cluster: kubelab start --profile ${r.id}   (nodes as in the scenario; ssh NODE opens a node's shell)`);
    }
  return results.some((r) => r.errors.length) ? 1 : 0;
}

function need(v: string | undefined, what: string): string {
  if (!v) throw new Error(`missing ${what}`);
  return v;
}
