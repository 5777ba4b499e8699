// `kubelab lab test` fails when a near-miss passes a step (a check too weak to tell the mistake from the solution)
// and passes when every near-miss is caught — on a real cluster, through the CLI.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, kubectlPath, type TestCluster } from '../harness';
import { runLab } from '../../electron/cli/lab';

if (!process.env.KUBECTL && kubectlPath()) process.env.KUBECTL = kubectlPath();

const step = (id: string, data: string) => `  - id: ${id}
    checks:
      - assert: {apiVersion: v1, kind: ConfigMap, metadata: {name: ${id}}, data: ${data}}
    hints: [{en: look, zh: 看}]
    solution:
      - run: kubectl create configmap ${id} -n lab-97 --from-literal=v=right
    nearMisses:
      - mistake: {en: the wrong value, zh: 值不对}
        do: [{run: "kubectl create configmap ${id} -n lab-97 --from-literal=v=wrong"}]
        undo: [{run: "kubectl delete configmap ${id} -n lab-97"}]
      - mistake: {en: the wrong key, zh: 键不对}
        do: [{run: "kubectl create configmap ${id} -n lab-97 --from-literal=w=right"}]
        undo: [{run: "kubectl delete configmap ${id} -n lab-97"}]
`;
const lab = (weak: boolean) => `id: 97-weak
chapter: 97
title: {en: Weak, zh: 弱}
summary: {en: A lab with a weak check, zh: 一个检查很弱的实验}
minutes: 5
difficulty: beginner
namespace: lab-97
steps:
${step('a', '{v: right}')}${step('b', '{v: right}')}${step('c', weak ? '{(v != null): true}' : '{v: right}')}`;
const md = ['a', 'b', 'c'].map((s) => `## ${s} {#${s}}\n\nDo ${s}.\n\n\`\`\`bash run\nkubectl get cm\n\`\`\`\n`).join('\n');

describe.skipIf(!kubectlPath())('kubelab lab test', () => {
  let tc: TestCluster;
  let dir: string;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
  }, 120_000);
  afterAll(async () => {
    await tc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const write = (weak: boolean) => {
    dir = mkdtempSync(join(tmpdir(), 'labtest-cli-'));
    const d = join(dir, '97-weak');
    mkdirSync(d);
    writeFileSync(join(d, 'lab.yaml'), lab(weak));
    writeFileSync(join(d, 'en.md'), `# Weak\n\nIntro.\n\n${md}`);
    writeFileSync(join(d, 'zh.md'), `# 弱\n\n简介。\n\n${md}`);
    return dir;
  };

  it('exits 1 and names the near-miss a weak check lets through', async () => {
    const root = write(true);
    const lines: string[] = [];
    const spy = (s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    };
    const [o, e] = [process.stdout.write, process.stderr.write];
    process.stdout.write = spy as typeof process.stdout.write;
    process.stderr.write = spy as typeof process.stderr.write;
    let code: number;
    try {
      code = await runLab(['test', '97-weak', '--labs-dir', root, '--kubeconfig', tc.kubeconfig]);
    } finally {
      process.stdout.write = o;
      process.stderr.write = e;
    }
    const text = lines.join('');
    expect(code).toBe(1);
    expect(text).toMatch(/near-miss "the wrong value" passes step c/);
    expect(text).toMatch(/97-weak\s+3\s+6\s+5\/6\s+FAIL/);
  }, 120_000);

  it('exits 0 when every near-miss is caught', async () => {
    const root = write(false);
    expect(await runLab(['test', '97-weak', '--labs-dir', root, '--kubeconfig', tc.kubeconfig, '--json'])).toBe(0);
  }, 120_000);
});
