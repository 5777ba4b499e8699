// Parameters, near-miss declarations, the lint's grading rules and value-wise comparison (cron, quantities).
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLab } from './loader';
import { lintLabs } from './lint';
import { matchTree } from './assert-tree';
import { sameCron } from './cron-equal';
import { buildReport } from './report';

const lab = (step: string, extra = '') => `id: 98-rules
chapter: 98
title: {en: Rules, zh: 规则}
summary: {en: Rules, zh: 规则}
minutes: 5
difficulty: beginner
namespace: lab-98
${extra}
steps:
${step}
  - id: two
    checks: [{assert: {apiVersion: v1, kind: Pod, metadata: {name: b}, status: {phase: Running}}}]
    hints: [{en: h, zh: h}]
    solution: [{run: "true"}]
  - id: three
    checks: [{assert: {apiVersion: v1, kind: Pod, metadata: {name: c}, status: {phase: Running}}}]
    hints: [{en: h, zh: h}]
    solution: [{run: "true"}]
`;
const md = (first: string) =>
  `# T\n\nIntro.\n\n## One {#one}\n\n${first}\n\n\`\`\`bash run\nkubectl get pods\n\`\`\`\n\n## Two {#two}\n\nx\n\n\`\`\`bash run\nx\n\`\`\`\n\n## Three {#three}\n\nx\n\n\`\`\`bash run\nx\n\`\`\`\n`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lab-rules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
function write(y: string, text = 'Do it.') {
  writeFileSync(join(dir, 'lab.yaml'), y);
  writeFileSync(join(dir, 'en.md'), md(text));
  writeFileSync(join(dir, 'zh.md'), md(text));
}
/** the grading rules a lab trips (the near-miss count is tested on its own: these small labs declare none) */
const rules = () =>
  lintLabs(dir)
    .errors.map((e) => /\[([\w-]+)\]/.exec(e)?.[1] ?? e)
    .filter((r) => r !== 'near-misses');

describe('parameters', () => {
  const y = lab(
    `  - id: one
    checks: [{assert: {apiVersion: v1, kind: ConfigMap, metadata: {name: "{{who}}"}, data: {group: "{{res.group}}"}}}]
    hints: [{en: "look it up for {{res.name}}", zh: "查一查 {{res.name}}"}]
    solution: [{run: "echo {{who}} {{n}}"}]`,
    `parameters:
  who: {oneOf: [ada, grace, linus, ken]}
  n: {range: [3, 9]}
  res: {rows: [{name: cronjobs, group: batch}, {name: leases, group: coordination.k8s.io}]}`,
  );

  it('draws the same values for the same seed and substitutes them everywhere, rows kept together', () => {
    write(y, 'Name it {{who}}.');
    const a = readLab(dir, 's1').lab!,
      b = readLab(dir, 's1').lab!;
    expect(a.values).toEqual(b.values);
    expect(['ada', 'grace', 'linus', 'ken']).toContain(a.values.who);
    expect(Number(a.values.n)).toBeGreaterThanOrEqual(3);
    expect(Number(a.values.n)).toBeLessThanOrEqual(9);
    expect(a.values['res.group']).toBe(a.values['res.name'] === 'cronjobs' ? 'batch' : 'coordination.k8s.io');
    const step = a.steps[0];
    expect((step.checks[0] as any).object.metadata.name).toBe(a.values.who);
    expect(step.hints[0].en).toBe(`look it up for ${a.values['res.name']}`);
    expect(step.text.en).toContain(`Name it ${a.values.who}.`);
    expect(a.seed).toBe('s1');
    // different seeds give different students different labs
    const seen = new Set(['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'].map((s) => readLab(dir, s).lab!.values.who));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('reports an undeclared placeholder and a malformed declaration with file:line', () => {
    write(y.replace('echo {{who}}', 'echo {{nobody}}').replace('n: {range: [3, 9]}', 'n: {range: [9, 3]}'));
    const problems = readLab(dir).problems.join('\n');
    expect(problems).toMatch(/lab\.yaml:\d+: \{\{nobody\}\} is not a declared parameter/);
    expect(problems).toMatch(/lab\.yaml:\d+: parameter "n" needs/);
    // the file must stay YAML before substitution: an unquoted {{…}} value in a flow map is reported, not hidden
    write(y.replace('zh: "查一查 {{res.name}}"', 'zh: 查一查 {{res.name}}'));
    expect(readLab(dir).problems.join('\n')).toMatch(/lab\.yaml:\d+: .*quote values that hold \{\{…\}\}/);
  });

  it('the report records the seed of a lab with parameters', () => {
    write(y);
    const l = readLab(dir, 'student-7').lab!;
    const r = buildReport({ profile: 'p', labs: { [l.id]: { startedAt: new Date().toISOString(), attempts: 1, steps: {} } } } as any, [l]);
    expect(r.labs[0].seed).toBe('student-7');
  });
});

describe('near-misses and lint rules', () => {
  it('reads near-misses with their mistake, actions, undo and settle time', () => {
    write(
      lab(`  - id: one
    checks: [{assert: {apiVersion: v1, kind: Pod, metadata: {name: a}, status: {phase: Running}}}]
    hints: [{en: h, zh: h}]
    solution: [{run: "true"}]
    nearMisses:
      - mistake: {en: wrong image, zh: 镜像不对}
        do: [{run: "kubectl run a --image=nginx"}]
        undo: [{run: "kubectl delete pod a"}]
        settle: 3s
      - mistake: {en: never runs, zh: 从不运行}
        do: [{run: "true"}]`),
    );
    const s = readLab(dir).lab!.steps[0];
    expect(s.nearMisses).toHaveLength(2);
    expect(s.nearMisses[0]).toMatchObject({ mistake: { en: 'wrong image' }, settleMs: 3000 });
    expect(s.nearMisses[0].undo[0]).toMatchObject({ type: 'run' });
    expect(lintLabs(dir).errors.join('\n')).toMatch(/\[near-misses\] step "two" has 0 near-miss/);
  });

  it('flags an answer a hint gives away, a check that accepts any two values, an existence-only step, a behaviour checked by spec only', () => {
    write(
      lab(`  - id: one
    checks:
      - assert: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {group: apps}}
      - assert:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: k}
          data: {(x != null && x != y): true}
    hints: [{en: "kubectl create configmap a --from-literal=group=apps", zh: 见上}]
    solution: [{run: "true"}]`),
    );
    expect(rules()).toEqual(expect.arrayContaining(['answer-in-hint', 'any-value']));
    write(
      lab(`  - id: one
    checks: [{assert: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 3}}}]
    hints: [{en: h, zh: h}]
    solution: [{run: "true"}]`),
      'Roll back the release with undo.',
    );
    expect(rules()).toContain('spec-only');
    write(
      lab(`  - id: one
    checks: [{assert: {apiVersion: v1, kind: Pod, metadata: {name: web}}}]
    hints: [{en: h, zh: h}]
    solution: [{run: "true"}]`),
    );
    expect(rules()).toContain('existence-only');
  });

  it('a waiver with a reason silences its rule; an unknown rule name is reported', () => {
    const step = `  - id: one
    checks: [{assert: {apiVersion: v1, kind: Pod, metadata: {name: web}}}]
    hints: [{en: h, zh: h}]
    solution: [{run: "true"}]
    lint: {RULE: "the pod's existence is the whole point of this first step"}`;
    write(lab(step.replace('RULE', 'existence-only')));
    expect(rules()).toEqual([]);
    write(lab(step.replace('RULE', 'no-such-rule')));
    expect(rules().sort()).toEqual(['existence-only', 'unknown-rule']);
  });
});

describe('equivalent spellings compare by value', () => {
  it('cron schedules', () => {
    expect(sameCron('*/1 * * * *', '* * * * *')).toBe(true);
    expect(sameCron('0,30 * * * *', '*/30 * * * *')).toBe(true);
    expect(sameCron('@hourly', '0 * * * *')).toBe(true);
    expect(sameCron('0 0 * * 7', '0 0 * * sun')).toBe(true);
    expect(sameCron('*/2 * * * *', '* * * * *')).toBe(false);
    expect(sameCron('not a cron', 'not a cron')).toBe(false);
  });

  it('quantities where the API takes quantities, and cron under schedule; other strings stay exact', () => {
    expect(
      matchTree(
        { spec: { hard: { 'requests.cpu': '1', 'requests.memory': '1Gi' } } },
        { spec: { hard: { 'requests.cpu': '1000m', 'requests.memory': '1024Mi' } } },
      ),
    ).toEqual([]);
    expect(matchTree({ resources: { limits: { cpu: '100m' } } }, { resources: { limits: { cpu: '0.1' } } })).toEqual([]);
    expect(matchTree({ resources: { limits: { cpu: '100m' } } }, { resources: { limits: { cpu: '200m' } } })).toHaveLength(1);
    expect(matchTree({ spec: { schedule: '*/1 * * * *' } }, { spec: { schedule: '* * * * *' } })).toEqual([]);
    expect(matchTree({ data: { version: '1.5' } }, { data: { version: '1.50' } })).toHaveLength(1);
  });
});
