// How a lab owns its cluster, in the browser (web mode), in both languages: lab 18 leaves a node taint behind, and
// opening another lab warns and then returns the cluster to its state before lab 18 (the taint is gone); a topology
// lab (19) refuses the default cluster with its reasons in Chinese and runs on its own cluster after "Start this
// lab's cluster", which the header's profile switch then shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startWebMode, type WebMode } from './web-mode';

const ROOT = resolve(__dirname, '..');
const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const KUBECTL = [process.env.KUBECTL, '/usr/bin/kubectl'].find((p) => p && existsSync(p));
const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
const READY = existsSync(CHROMIUM) && !!KUBECTL;
if (!READY) console.log(`[skip] lab-cluster e2e: needs Chromium at ${CHROMIUM} and kubectl`);

let web: WebMode;
let browser: Browser;
let page: Page;

/** kubectl against one of the web mode's clusters (the default one, or a profile's) */
function kubectl(kubeconfig: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(KUBECTL!, ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  if (!READY) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  web = await startWebMode(ROOT);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  page = await (await browser.newContext({ viewport: { width: 1400, height: 860 } })).newPage();
  await page.goto(web.url);
});
afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

/** opens a lab; when another lab is active, takes the cluster for this one after the app's warning, whose text it returns */
async function openLab(id: string): Promise<string | undefined> {
  await page.goto(`${web.origin}/#/lab/${id}`);
  const ready = page.getByTestId('check').and(page.locator(':not([disabled])'));
  const other = page.getByTestId('lab-other');
  await ready.or(other).first().waitFor({ timeout: 60_000 });
  let warning: string | undefined;
  if (await other.isVisible()) {
    warning = (await other.textContent()) ?? '';
    await page.getByTestId('start-here').click();
  }
  await ready.waitFor({ timeout: 90_000 });
  return warning;
}

describe.skipIf(!READY)('a lab owns its cluster (web mode)', () => {
  it("undoes lab 18's node taint before another lab starts, after saying so", async () => {
    const kc = join(web.dataDir, 'kubeconfig');
    await page.goto(web.origin + '/#/lab/18-scheduling');
    await page.getByTestId('check').and(page.locator(':not([disabled])')).waitFor({ timeout: 90_000 });
    const taint = await kubectl(kc, 'taint', 'node', 'kubelab-worker', 'dedicated=batch:NoSchedule');
    expect(taint.code, taint.stderr).toBe(0);

    await page.goto(web.origin + '/#/lab/01-cluster-tour');
    const warning = page.getByTestId('lab-other');
    await warning.waitFor({ timeout: 60_000 });
    expect(await warning.textContent()).toContain('18-scheduling');
    await page.screenshot({ path: join(ARTIFACTS, 'lab-other-warning.png') });
    await page.getByTestId('start-here').click();
    await page.getByTestId('check').and(page.locator(':not([disabled])')).waitFor({ timeout: 60_000 });
    const taints = await kubectl(kc, 'get', 'node', 'kubelab-worker', '-o', 'jsonpath={.spec.taints}');
    expect(taints.stdout).not.toContain('dedicated');
  });

  it('starts lab 19 on its own cluster from the app, in Chinese', async () => {
    await page.goto(web.origin + '/#/settings');
    await page.getByTestId('lang-zh').check();
    await page.getByRole('link', { name: '课程' }).waitFor();
    await page.goto(web.origin + '/#/lab/19-scheduler-flow');
    const banner = page.getByTestId('lab-cluster');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toMatch(/本实验需要自己的集群（19-scheduler-flow）.*没有节点带有标签 topology.kubernetes.io\/zone=zone-a/s);
    expect(await page.getByTestId('check').isDisabled()).toBe(true);
    await page.getByTestId('start-lab-cluster').click();
    await page.getByTestId('lab-own-cluster').waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'lab-own-cluster-zh.png') });
    const nodes = await kubectl(
      join(web.dataDir, 'profiles', '19-scheduler-flow', 'kubeconfig'),
      'get',
      'nodes',
      '-L',
      'topology.kubernetes.io/zone',
      '--no-headers',
    );
    expect(nodes.stdout).toMatch(/zone-a/);
    expect(nodes.stdout.trim().split('\n')).toHaveLength(5);
    const select = page.getByTestId('cluster-profile');
    await select.waitFor();
    expect(await select.inputValue()).toBe('19-scheduler-flow');

    // and back to the default cluster from the header, in English
    await page.goto(web.origin + '/#/settings');
    await page.getByTestId('lang-en').check();
    await select.selectOption('default');
    await page.locator('[data-testid="cluster-status"][data-profile="default"].ready').waitFor({ timeout: 120_000 });
    await page.goto(web.origin + '/#/lab/19-scheduler-flow');
    expect(await page.getByTestId('lab-cluster').textContent({ timeout: 60_000 })).toMatch(/This lab needs its own cluster \(19-scheduler-flow\)/);
  });

  it('records each hint once and the applied solution, and the signed report carries them', async () => {
    await page.goto(web.origin + '/#/lab/01-cluster-tour');
    await page.getByTestId('check').and(page.locator(':not([disabled])')).waitFor({ timeout: 60_000 });
    // a failed check reads as a sentence; the grader's expression is only in the authors' detail
    await page.getByTestId('check').click();
    const first = page.getByTestId('result-nodes').getByTestId('check-item').first();
    await first.waitFor({ timeout: 60_000 });
    expect(await first.getByTestId('check-message').textContent()).toMatch(/Label exactly one node with kubelab\.io\/explored=\S+/);
    expect(await first.getByTestId('check-message').textContent()).not.toMatch(/length\(|items\[\?|assert/);
    await first.locator('summary').click();
    expect(await first.locator('details code').textContent()).toMatch(/^assert .*length\(items/);
    expect(await page.getByTestId('result-api-resources').textContent()).toMatch(/details appear when you reach this step/);
    await page.getByTestId('hint-button').click();
    await page.getByTestId('hint').first().waitFor();
    // after a reload the player shows the first hint again: the record must not count it twice
    await page.reload();
    await page.getByTestId('check').and(page.locator(':not([disabled])')).waitFor({ timeout: 60_000 });
    await page.getByTestId('hint-button').click();
    await page.getByTestId('hint').first().waitFor();
    // the solution is text first (recorded as shown), with copy buttons; applying it is a second, separate choice
    await page.getByTestId('show-solution').click();
    expect(await page.getByRole('alertdialog').textContent()).toMatch(/Your report will record that you viewed it/);
    await page.getByTestId('confirm-yes').click();
    const solution = page.getByTestId('solution');
    expect(await solution.locator('pre').first().textContent({ timeout: 30_000 })).toMatch(/kubectl label node kubelab-worker kubelab\.io\/explored=/);
    await solution.getByRole('button', { name: 'Copy' }).first().waitFor();
    await page.getByTestId('apply-solution').click();
    expect(await page.getByRole('alertdialog').textContent()).toMatch(/Your report will record, for each of those steps, that its solution was applied/);
    await page.getByTestId('confirm-yes').click();
    await page.getByTestId('notice').filter({ hasText: 'The solution of this step was applied' }).waitFor({ timeout: 90_000 });

    await page.goto(web.origin + '/#/progress');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
    const report = JSON.parse(await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8'));
    const lab = report.labs.find((l: any) => l.id === '01-cluster-tour');
    expect(lab.steps.find((s: any) => s.id === 'nodes').hintsUsed).toBe(1);
    expect(lab.solutionApplied).toEqual(['nodes']); // the current step only: later steps are left to the student
    expect(lab.solutionShown).toEqual(['nodes']);
    expect(lab.log.filter((e: any) => e.type === 'solution-shown')).toHaveLength(1);
    expect(lab.log.filter((e: any) => e.type === 'hint')).toHaveLength(1);
    expect(report.signature.algorithm).toBe('Ed25519');
  });

  it('in Chinese: the solution as text, applying it over the student\'s own pod says what it replaced, and "Run in terminal" avoids a busy tab', async () => {
    const kc = join(web.dataDir, 'kubeconfig');
    await page.goto(web.origin + '/#/settings');
    await page.getByTestId('lang-zh').check();
    try {
      // after the earlier tests another lab is active: the app says so (in Chinese) before lab 02 takes the cluster
      const warned = await openLab('02-containers');
      if (warned) expect(warned).toMatch(/[\u4e00-\u9fff]/);
      await page.getByTestId('show-solution').click();
      expect(await page.getByRole('alertdialog').textContent()).toMatch(/报告会记录你查看过答案及其时间/);
      await page.getByTestId('confirm-yes').click();
      const solution = page.getByTestId('solution');
      const text = (await solution.locator('pre').first().textContent({ timeout: 30_000 })) ?? '';
      await solution.getByRole('button', { name: '复制' }).first().waitFor();
      // each installation draws its own pod name: read it from the solution shown
      const name = /kubectl run (\S+)/.exec(text)?.[1] ?? /name: ([a-z0-9-]+)/.exec(text)?.[1];
      expect(name, `pod name in the solution text: ${text}`).toBeTruthy();
      // the student's own pod of that name, with another container: the solution's pod cannot be merged into it
      await kubectl(kc, 'delete', 'pod', name!, '-n', 'lab-02', '--ignore-not-found', '--wait=true');
      const mine = await kubectl(kc, 'run', name!, '-n', 'lab-02', '--image=nginx', '--overrides={"spec":{"containers":[{"name":"main","image":"nginx"}]}}');
      expect(mine.stderr).toBe('');
      await page.getByTestId('apply-solution').click();
      expect(await page.getByRole('alertdialog').textContent()).toMatch(/报告会为这些步骤分别记录/);
      await page.getByTestId('confirm-yes').click();
      await page.getByTestId('notice').filter({ hasText: '已应用本步骤的答案' }).waitFor({ timeout: 90_000 });
      expect(await page.getByTestId('replaced').textContent()).toMatch(
        new RegExp(`已替换你的对象：[\\s\\S]*Pod lab-02/${name}[\\s\\S]*无法直接改成答案中的样子`),
      );
      const containers = await kubectl(kc, 'get', 'pod', name!, '-n', 'lab-02', '-o', 'jsonpath={.spec.containers[*].name}');
      expect(containers.stdout).not.toBe('main');

      // a busy terminal tab is left alone, in Chinese too
      const screenText = () => page.evaluate(() => document.querySelector('.screen:not(.hidden) .xterm-rows')?.textContent ?? '');
      await page.locator('.screen:not(.hidden) .xterm-rows').waitFor({ timeout: 30_000 });
      await expect.poll(screenText, { timeout: 30_000 }).toMatch(/kubelab:/);
      await page.locator('.screen:not(.hidden) .xterm').click();
      await page.keyboard.type('sleep 300; echo slept\n');
      const busyTab = await page.locator('.terminal-panel [role="tab"][aria-selected="true"]').textContent();
      expect(busyTab).toMatch(/终端/);
      const run = page.getByTestId('run-in-terminal').first();
      expect(await run.textContent()).toMatch(/在终端中运行/);
      const command = (await run.locator('xpath=ancestor::*[.//pre][1]').locator('pre').first().textContent()) ?? '';
      await run.click();
      await expect.poll(() => page.locator('.terminal-panel [role="tab"][aria-selected="true"]').textContent(), { timeout: 30_000 }).not.toBe(busyTab);
      await expect.poll(screenText, { timeout: 60_000 }).toContain(command.trim().split('\n')[0].slice(0, 20));
      await page.locator('.terminal-panel [role="tab"]', { hasText: busyTab! }).click();
      expect(await screenText()).not.toContain(command.trim().split('\n')[0].slice(0, 20));
    } finally {
      await page.goto(web.origin + '/#/settings');
      await page.getByTestId('lang-en').check();
    }
  });

  it('"Run in terminal" never types into a busy tab: it uses another one', async () => {
    await openLab('01-cluster-tour');
    const screenText = () => page.evaluate(() => document.querySelector('.screen:not(.hidden) .xterm-rows')?.textContent ?? '');
    await page.locator('.screen:not(.hidden) .xterm-rows').waitFor({ timeout: 30_000 });
    await expect.poll(screenText, { timeout: 30_000 }).toMatch(/kubelab:/);
    // the visible tab runs a foreground command
    await page.locator('.screen:not(.hidden) .xterm').click();
    await page.keyboard.type('sleep 300; echo slept\n');
    const tabs = page.locator('.terminal-panel [role="tab"]');
    const before = await tabs.count();
    const busyTab = await page.locator('.terminal-panel [role="tab"][aria-selected="true"]').textContent();
    // the intro's first block: kubectl cluster-info
    await page.getByTestId('run-in-terminal').first().click();
    await expect.poll(() => page.locator('.terminal-panel [role="tab"][aria-selected="true"]').textContent(), { timeout: 30_000 }).not.toBe(busyTab);
    await expect.poll(screenText, { timeout: 60_000 }).toMatch(/Kubernetes control plane is running at/);
    expect(await tabs.count()).toBeGreaterThanOrEqual(before);
    // and the sleeping tab got nothing typed into it
    await page.locator('.terminal-panel [role="tab"]', { hasText: busyTab! }).click();
    expect(await screenText()).not.toMatch(/cluster-info/);
  });
});
