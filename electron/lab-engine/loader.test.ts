import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLab, readLab, LabError } from './loader';
import { lintLabs } from './lint';

const LAB = `id: 99-demo
chapter: 99
title: {en: Demo, zh: 演示}
summary: {en: A demo lab, zh: 一个演示实验}
minutes: 5
difficulty: beginner
namespace: lab-99
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: seed}
steps:
  - id: first
    checks:
      - assert:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: answer}
          data: {value: "42"}
        timeout: 5s
    hints:
      - {en: Use kubectl create configmap, zh: 使用 kubectl create configmap}
    solution:
      - run: kubectl create configmap answer -n lab-99 --from-literal=value=42
`;
const EN = `# Demo\n\nIntro.\n\n## Make the answer {#first}\n\nCreate it:\n\n\`\`\`bash run\nkubectl create configmap answer --from-literal=value=42 -n lab-99\n\`\`\`\n`;
const ZH = `# 演示\n\n简介。\n\n## 创建答案 {#first}\n\n创建它：\n\n\`\`\`bash copy\nkubectl create configmap answer --from-literal=value=42 -n lab-99\n\`\`\`\n`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lab-loader-'));
  writeFileSync(join(dir, 'lab.yaml'), LAB);
  writeFileSync(join(dir, 'en.md'), EN);
  writeFileSync(join(dir, 'zh.md'), ZH);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lab loader', () => {
  it('loads a valid lab with texts, code blocks, checks, hints and a solution', () => {
    const lab = loadLab(dir);
    expect(lab.id).toBe('99-demo');
    expect(lab.namespaces).toEqual(['lab-99']);
    expect(lab.intro.zh).toBe('简介。');
    const s = lab.steps[0];
    expect(s.title).toEqual({ en: 'Make the answer', zh: '创建答案' });
    expect(s.blocks.en[0]).toMatchObject({ lang: 'bash', mode: 'run' });
    expect(s.blocks.zh[0].mode).toBe('copy');
    expect(s.checks[0]).toMatchObject({ type: 'assert', timeoutMs: 5000 });
    expect(s.solution.text.en).toContain('kubectl create configmap answer');
    expect(lab.setup[0]).toMatchObject({ type: 'apply', manifests: [{ kind: 'ConfigMap' }] });
  });

  it('names the file and line of each problem', () => {
    writeFileSync(
      join(dir, 'lab.yaml'),
      LAB.replace('difficulty: beginner', 'difficulty: easy').replace('      - assert:', '      - asert:').replace('    hints:', '    colour: red\n    hints:'),
    );
    const { problems } = readLab(dir);
    const f = join(dir, 'lab.yaml');
    expect(problems).toContain(`${f}:6: difficulty must be beginner, intermediate or advanced`);
    expect(problems.some((p) => p.startsWith(`${f}:16: a check needs exactly one of assert`))).toBe(true);
    expect(() => loadLab(dir)).toThrow(LabError);
  });

  it('a null manifest in an apply list or a non-string delete kind is a problem with its line, not a crash (found by the lab fuzzer)', () => {
    writeFileSync(
      join(dir, 'lab.yaml'),
      LAB.replace(
        `  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: seed}`,
        `  - apply: [null]
  - delete: {apiVersion: v1, kind: [1], name: x}`,
      ),
    );
    const { problems } = readLab(dir);
    const f = join(dir, 'lab.yaml');
    expect(problems).toContain(`${f}:9: each manifest needs apiVersion and kind`);
    expect(problems).toContain(`${f}:10: delete needs apiVersion, kind and name (strings)`);
  });

  it('reports YAML syntax errors with their line', () => {
    writeFileSync(join(dir, 'lab.yaml'), LAB.replace('minutes: 5', 'minutes: [5'));
    const { problems } = readLab(dir);
    expect(problems[0].startsWith(`${join(dir, 'lab.yaml')}:6: Flow sequence`)).toBe(true);
  });

  it('reports steps without a Markdown section and sections without a step, with lines', () => {
    writeFileSync(join(dir, 'zh.md'), ZH.replace('{#first}', '{#frist}'));
    const { problems } = readLab(dir);
    expect(problems).toContain(`${join(dir, 'lab.yaml')}:14: step "first" has no section "## … {#first}" in ${join(dir, 'zh.md')}`);
    expect(problems).toContain(`${join(dir, 'zh.md')}:5: section {#frist} does not match any step id in lab.yaml`);
  });

  it('lint adds the authoring rules (three graded steps, hints, solutions)', () => {
    const r = lintLabs(dir);
    expect(r.labs).toBe(1);
    // the demo's answer (42) is also written in its text: the grading rules flag it
    expect(r.errors).toEqual([
      `${join(dir, 'lab.yaml')}: a lab needs at least 3 graded steps (has 1)`,
      expect.stringMatching(/lab\.yaml:\d+: \[near-misses\] step "first" has 0 near-miss/),
      expect.stringMatching(/lab\.yaml:\d+: \[answer-in-hint\] step "first" expects "42"/),
    ]);
    mkdirSync(join(dir, 'x'));
    expect(lintLabs(join(dir, 'x')).errors[0]).toMatch(/no lab directories/);
  });

  it('reads admit checks and names what is wrong in one', () => {
    const admit = (body: string) => LAB.replace(/ {4}checks:\n[\s\S]*?timeout: 5s\n/, `    checks:\n      - admit:\n${body.replace(/^/gm, '          ')}\n`);
    writeFileSync(
      join(dir, 'lab.yaml'),
      admit(
        `object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: busybox}]}}\nexpect: {allowed: true, warning: false}`,
      ),
    );
    const ok = loadLab(dir).steps[0].checks[0];
    expect(ok).toMatchObject({ type: 'admit', expect: { allowed: true, warning: false } });
    writeFileSync(join(dir, 'lab.yaml'), admit(`object: {apiVersion: v1, kind: Pod}\nexpect: {allowed: maybe}`));
    const f = join(dir, 'lab.yaml');
    expect(
      readLab(dir).problems.some((p) => p.startsWith(`${f}:`) && p.endsWith('admit needs "object": a manifest with apiVersion, kind and metadata.name')),
    ).toBe(true);
    writeFileSync(
      join(dir, 'lab.yaml'),
      admit(`object: {apiVersion: v1, kind: Pod, metadata: {name: p}}\nexpect: {allowed: true, message: "x", warning: "("}`),
    );
    const problems = readLab(dir).problems.join('\n');
    expect(problems).toContain('"message" is the denial\'s: with allowed: true match warnings with "warning"');
    expect(problems).toContain('warning must be a regular expression');
  });
});
