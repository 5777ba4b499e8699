// `kubelab lab import` of Killercoda scenarios: each scenario becomes a KubeLab lab folder (lab.yaml, en.md, zh.md,
// cluster.yaml) with the scenario's own files kept under killercoda/, so the result can be read, edited, versioned
// and linted like any lab. verify.sh files are `script` checks, background/foreground scripts the lab's setup.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import YAML from 'yaml';
import { DEFAULT_IMAGE, IMAGES, readScenario, type KcPart, type KcScenario } from './scenario';
import { convertMarkdown, interactive } from './markdown';
import { lintMarkdown, lintScript, type KcFinding } from './unsupported';

/** where the scenario's files go inside the lab folder */
export const ORIGINAL = 'killercoda';

export interface KcLint {
  errors: string[];
  warnings: string[];
}

/** `kubelab lab lint` of a scenario folder: what cannot be read (errors naming file and line) and what KubeLab does not do */
export function lintScenario(dir: string): KcLint & { scenario?: KcScenario } {
  const { scenario, problems } = readScenario(dir);
  if (!scenario) return { errors: problems, warnings: [] };
  const f = findings(scenario);
  return {
    scenario,
    errors: f.filter((x) => x.severity === 'error').map(show),
    warnings: f.filter((x) => x.severity === 'warning').map(show),
  };
}

const show = (f: KcFinding) => `${f.where}: ${f.message}`;

function findings(s: KcScenario): KcFinding[] {
  const out: KcFinding[] = [];
  if (s.imageid !== undefined && !IMAGES[s.imageid])
    out.push({
      where: s.imageWhere,
      severity: 'error',
      message: `backend.imageid "${s.imageid}" is not a Kubernetes environment KubeLab provides (${Object.keys(IMAGES).join(', ')})`,
    });
  if (s.imageid === undefined)
    out.push({ where: s.imageWhere, severity: 'warning', message: `no backend.imageid: the lab gets ${DEFAULT_IMAGE} (controlplane and node01)` });
  for (const i of s.ignored) out.push({ where: i.where, severity: 'warning', message: i.what });
  const parts: [KcPart, string][] = [[s.intro, 'the introduction'], ...s.steps.map((p, i): [KcPart, string] => [p, `step ${i + 1}`])];
  if (s.finish) parts.push([s.finish, 'the finish']);
  for (const [p, what] of parts) {
    for (const f of [p.text]) if (f) out.push(...lintMarkdown(f.path, f.content));
    for (const f of [p.background, p.foreground, p.verify]) if (f) out.push(...lintScript(f.path, f.content));
    if (p.foreground)
      out.push({
        where: `${p.foreground.path}:1`,
        severity: 'warning',
        message: `foreground script of ${what}: KubeLab runs it with the setup, not visibly in the terminal`,
      });
    if (p !== s.intro && (p.background || p.foreground))
      out.push({
        where: `${(p.background ?? p.foreground)!.path}:1`,
        severity: 'warning',
        message: `a setup script of ${what}: KubeLab runs every setup script when the lab starts, not when the step begins`,
      });
  }
  s.steps.forEach((p, i) => {
    if (!p.verify)
      out.push({
        where: p.where,
        severity: 'warning',
        message: `step ${i + 1} has no verify script: it counts as done without a check (as Killercoda's Next)`,
      });
  });
  return out;
}

/** a lab id from a folder name: lowercase letters, digits and dashes */
export function labIdFor(dir: string): string {
  const slug = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return `kc-${slug || 'scenario'}`;
}

/** writes the lab folder for one scenario into OUT/<id>; throws (naming file and line) when the scenario cannot be read */
export function convertScenario(dir: string, outRoot: string, id = labIdFor(dir)): { id: string; dir: string; lint: KcLint } {
  const lint = lintScenario(dir);
  const s = lint.scenario;
  if (!s) throw new Error(lint.errors.join('\n'));
  const target = join(outRoot, id);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  // only the files index.json names, so nothing else of the folder (or beyond it) comes along
  const parts = [s.intro, ...s.steps, ...(s.finish ? [s.finish] : [])];
  for (const p of parts)
    for (const f of [p.text, p.verify, p.background, p.foreground]) {
      if (!f) continue;
      const to = join(target, ORIGINAL, relative(s.dir, f.path));
      mkdirSync(join(to, '..'), { recursive: true });
      cpSync(f.path, to);
    }
  cpSync(s.index, join(target, ORIGINAL, 'index.json'));
  const file = (f: { path: string }) => `${ORIGINAL}/${relative(s.dir, f.path).split('\\').join('/')}`;
  const run = (f: { path: string }) => ({ run: `bash ${shq(file(f))}` });

  const nodes = IMAGES[s.imageid ?? DEFAULT_IMAGE] ?? IMAGES[DEFAULT_IMAGE];
  writeFileSync(
    join(target, 'cluster.yaml'),
    `# Killercoda's ${s.imageid ?? DEFAULT_IMAGE}: the nodes keep their names, so scripts can say \`ssh node01\`\n` +
      YAML.stringify({ nodes: nodes.map((n) => ({ role: n.role, name: n.name })) }),
  );

  const steps = s.steps.map((p, i) => {
    const text = p.text ? convertMarkdown(p.text.content) : { md: '', markers: [] };
    const solution = text.markers
      .filter((m) => m.kind !== 'copy')
      .flatMap((m) => m.code.split('\n'))
      .filter((c) => c.trim() && !c.trim().startsWith('#') && !interactive(c));
    return {
      id: `step${i + 1}`,
      title: p.title,
      md: text.md,
      checks: p.verify ? [{ script: file(p.verify) }] : [],
      solution: solution.length ? [{ run: solution.join('\n') }] : [],
    };
  });
  const setup = [s.intro, ...s.steps].flatMap((p) => [p.background, p.foreground].filter((f): f is NonNullable<typeof f> => !!f).map(run));
  const title = safeText(s.title);
  const lab = {
    id,
    source: 'killercoda',
    chapter: 0,
    title: { en: title, zh: title },
    summary: { en: safeText(s.description) || title, zh: safeText(s.description) || title },
    minutes: Math.max(5, steps.length * 5),
    difficulty: 'beginner',
    // Killercoda's scripts work in the default namespace; the lab's own cluster (its profile) keeps it apart
    namespace: 'default',
    cluster: { config: 'cluster.yaml' },
    ...(setup.length ? { setup } : {}),
    steps: steps.map((st) => ({
      id: st.id,
      ...(st.checks.length ? { checks: st.checks } : {}),
      ...(st.solution.length ? { solution: st.solution } : {}),
    })),
  };
  writeFileSync(
    join(target, 'lab.yaml'),
    `# Converted from the Killercoda scenario ${basename(s.dir)} by \`kubelab lab import\`; its own files are in ${ORIGINAL}/.\n` +
      `# verify scripts are script checks (exit 0 passes, their output is the message); solutions are the steps' exec-marked commands.\n` +
      YAML.stringify(lab, { lineWidth: 0 }),
  );
  const intro = s.intro.text ? convertMarkdown(s.intro.text.content).md : safeText(s.description);
  const finish = s.finish?.text ? convertMarkdown(s.finish.text.content).md : '';
  const body = (lang: 'en' | 'zh') =>
    [
      `# ${title}`,
      '',
      ...(lang === 'zh' ? ['> 本实验从 Killercoda 场景导入，只有英文原文。', ''] : []),
      intro.trim(),
      '',
      ...steps.flatMap((st, i) => [
        `## ${safeText(st.title).replace(/\{#/g, '{\\#')} {#${st.id}}`,
        '',
        st.md.trim(),
        ...(i === steps.length - 1 && finish.trim() ? ['', '---', '', finish.trim()] : []),
        '',
      ]),
    ].join('\n');
  writeFileSync(join(target, 'en.md'), body('en'));
  writeFileSync(join(target, 'zh.md'), body('zh'));
  return { id, dir: target, lint: { errors: lint.errors, warnings: lint.warnings } };
}

/** one line, no lab parameter placeholders (a converted text has none) */
function safeText(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/\{\{/g, '{ {').trim();
}

function shq(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
