import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { setBridge } from '../lib/bridge';
import { setLang } from '../lib/i18n.svelte';
import { fakeBridge } from '../test-bridge';
import type { CheckResult, LabDetail } from '../../../electron/app/ipc-contract';

// xterm needs a real canvas/layout; the panel is covered by the e2e, so here it is a stub
vi.mock('../components/TerminalPanel.svelte', async () => ({ default: (await import('../test-stubs/TerminalStub.svelte')).default }));
import LabPlayer from './LabPlayer.svelte';

const L = (en: string, zh: string) => ({ en, zh });
const lab: LabDetail = {
  id: 'demo',
  chapter: 1,
  title: L('Demo lab', '演示实验'),
  status: 'in-progress',
  stepsDone: 0,
  stepsTotal: 2,
  passedSteps: [],
  intro: L('Intro', '介绍'),
  steps: [
    { id: 'a', title: L('First', '第一步'), body: L('Do it:\n\n```bash\nkubectl get nodes\n```', '做：\n\n```bash\nkubectl get nodes\n```'), hintCount: 2 },
    { id: 'b', title: L('Second', '第二步'), body: L('Then this.', '然后这个。'), hintCount: 0 },
  ],
};
const result: CheckResult = {
  labId: 'demo',
  passed: false,
  steps: [
    { stepId: 'a', passed: true, checks: [{ name: L('nodes Ready', '节点就绪'), passed: true, message: L('3 nodes', '3 个节点') }] },
    { stepId: 'b', passed: false, checks: [{ name: L('namespace exists', '命名空间存在'), passed: false, message: L('namespaces "x" not found', '未找到') }] },
  ],
};

afterEach(() => {
  cleanup();
  setLang('en');
});

describe('LabPlayer', () => {
  it('shows per-check results after Check and reveals hints one at a time', async () => {
    const b = fakeBridge({
      'labs.start': () => lab,
      'labs.get': () => ({ ...lab, passedSteps: ['a'] }),
      'labs.check': () => result,
      'labs.hint': ({ index }) => ({ stepId: 'a', index, total: 2, text: L(`hint ${index + 1}`, `提示 ${index + 1}`) }),
    });
    setBridge(b);
    render(LabPlayer, { id: 'demo' });
    await screen.findByRole('heading', { name: 'Demo lab' });
    await fireEvent.click(screen.getByTestId('check'));
    const a = await screen.findByTestId('result-a');
    expect(a.className).toContain('ok');
    expect(a.textContent).toContain('nodes Ready');
    expect(screen.getByTestId('result-b').textContent).toContain('namespaces "x" not found');
    await fireEvent.click(screen.getByTestId('hint-button'));
    expect((await screen.findAllByTestId('hint')).map((h) => h.textContent)).toEqual(['Hint 1/2: hint 1']);
    await fireEvent.click(screen.getByTestId('hint-button'));
    await waitFor(() => expect(screen.getAllByTestId('hint')).toHaveLength(2));
    expect((screen.getByTestId('hint-button') as HTMLButtonElement).disabled).toBe(true);
    expect(b.calls.filter((c) => c.method === 'labs.hint').map((c) => c.params)).toEqual([
      { id: 'demo', stepId: 'a', index: 0 },
      { id: 'demo', stepId: 'a', index: 1 },
    ]);
  });

  it('shows the step solution as text with copy buttons, then applies it after asking, saying what it replaced', async () => {
    const b = fakeBridge({
      'labs.start': () => lab,
      'labs.get': () => lab,
      'labs.solution': ({ stepId }) => ({ stepId, text: L('```bash\nkubectl label node w1 x=y\n```', '```bash\nkubectl label node w1 x=y\n```') }),
      'labs.solve': () => ({
        message: L('solved', '已解决'),
        applied: ['a'],
        replaced: [L("Your Pod lab/web could not be changed into the solution's", '你的 Pod lab/web 无法直接改成答案中的样子')],
      }),
    });
    setBridge(b);
    render(LabPlayer, { id: 'demo' });
    await fireEvent.click(await screen.findByTestId('show-solution'));
    // asking first: the report records a viewed solution
    expect(b.calls.some((c) => c.method === 'labs.solution')).toBe(false);
    expect(screen.getByRole('alertdialog').textContent).toMatch(/report will record that you viewed it/);
    await fireEvent.click(screen.getByTestId('confirm-yes'));
    const sol = await screen.findByTestId('solution');
    expect(sol.querySelector('pre')?.textContent).toBe('kubectl label node w1 x=y');
    expect([...sol.querySelectorAll('button')].map((x) => x.textContent?.trim())).toContain('Copy');
    expect(b.calls.find((c) => c.method === 'labs.solution')?.params).toEqual({ id: 'demo', stepId: 'a' });
    expect(b.calls.some((c) => c.method === 'labs.solve')).toBe(false);
    await fireEvent.click(screen.getByTestId('apply-solution'));
    expect(screen.getByRole('alertdialog').textContent).toMatch(/solution was applied/);
    await fireEvent.click(screen.getByTestId('confirm-yes'));
    expect((await screen.findByTestId('notice')).textContent).toBe('solved');
    expect(screen.getByTestId('replaced').textContent).toContain('Pod lab/web');
    expect(b.calls.find((c) => c.method === 'labs.solve')?.params).toEqual({ id: 'demo', stepId: 'a' });
  });

  it("shows each action's error next to its own button", async () => {
    setBridge(
      fakeBridge({
        'labs.start': () => lab,
        'labs.get': () => lab,
        'labs.check': () => Promise.reject(new Error('the API server did not answer')),
      }),
    );
    render(LabPlayer, { id: 'demo' });
    await fireEvent.click(await screen.findByTestId('check'));
    const err = await screen.findByTestId('error-check');
    expect(err.textContent).toContain('the API server did not answer');
    // beside the Check button, not in a banner elsewhere
    expect(err.closest('.action')?.querySelector('[data-testid="check"]')).not.toBeNull();
    expect(screen.queryByTestId('error-reset')).toBeNull();
  });

  it('shows a long action in progress and stops it with Stop', async () => {
    let fail: (e: Error) => void = () => undefined;
    const b = fakeBridge({
      'labs.start': () => lab,
      'labs.get': () => lab,
      'labs.reset': () => new Promise<void>((_res, rej) => (fail = rej)),
      'labs.cancel': () => {
        fail(new Error('cancelled'));
        return { cancelled: true };
      },
    });
    setBridge(b);
    render(LabPlayer, { id: 'demo' });
    await fireEvent.click(await screen.findByTestId('reset'));
    await fireEvent.click(screen.getByTestId('confirm-yes'));
    expect((await screen.findByTestId('progress-reset')).textContent).toContain('Resetting the lab');
    expect((screen.getByTestId('reset') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('stop-reset'));
    expect((await screen.findByTestId('error-reset')).textContent).toContain('cancelled');
    expect(screen.queryByTestId('progress-reset')).toBeNull();
    expect(b.calls.find((c) => c.method === 'labs.cancel')?.params).toEqual({ id: 'demo' });
  });

  it('renders the lab text in Chinese', async () => {
    setBridge(fakeBridge({ 'labs.start': () => lab, 'labs.get': () => lab }));
    setLang('zh');
    render(LabPlayer, { id: 'demo' });
    await screen.findByRole('heading', { name: '演示实验' });
    expect(screen.getByTestId('check').textContent).toBe('检查');
    expect(screen.getByTestId('run-in-terminal').textContent).toContain('在终端中运行');
  });

  it('says clearly when a tool the lab needs (helm) was not found', async () => {
    const noHelm = { ...lab, missingTools: [L('helm was not found: install helm and restart KubeLab', '未找到 helm：请安装 helm 并重启 KubeLab')] };
    setBridge(fakeBridge({ 'labs.start': () => noHelm, 'labs.get': () => noHelm }));
    render(LabPlayer, { id: 'demo' });
    expect((await screen.findByTestId('lab-missing-tools')).textContent).toContain('helm was not found');
  });

  it('shows no tool notice when every tool is there', async () => {
    setBridge(fakeBridge({ 'labs.start': () => lab, 'labs.get': () => ({ ...lab, missingTools: [] }) }));
    render(LabPlayer, { id: 'demo' });
    await screen.findByRole('heading', { name: 'Demo lab' });
    expect(screen.queryByTestId('lab-missing-tools')).toBeNull();
  });

  it("never starts a lab on a cluster that does not fit: it offers the lab's own cluster", async () => {
    const wrong = { ...lab, cluster: { profile: 'demo', current: 'default', problems: [L('no node has the labels zone=a', '没有节点带有标签 zone=a')] } };
    const b = fakeBridge({
      'labs.get': () => wrong,
      'labs.start': () => lab,
      'labs.startCluster': () => ({ ...lab, cluster: { profile: 'demo', current: 'demo', problems: [] } }),
    });
    setBridge(b);
    render(LabPlayer, { id: 'demo' });
    expect((await screen.findByTestId('lab-cluster')).textContent).toContain('no node has the labels zone=a');
    expect(b.calls.some((c) => c.method === 'labs.start')).toBe(false);
    expect((screen.getByTestId('check') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('start-lab-cluster'));
    expect((await screen.findByTestId('lab-own-cluster')).textContent).toContain('demo');
    expect(b.calls.filter((c) => c.method === 'labs.startCluster').map((c) => c.params)).toEqual([{ id: 'demo' }]);
  });

  it('says what happens to the lab the cluster still holds before starting another', async () => {
    const b = fakeBridge({
      'labs.get': () => ({ ...lab, cluster: { profile: 'default', current: 'default', problems: [], activeLab: '18-scheduling' } }),
      'labs.start': () => lab,
    });
    setBridge(b);
    render(LabPlayer, { id: 'demo' });
    expect((await screen.findByTestId('lab-other')).textContent).toContain('18-scheduling');
    expect(b.calls.some((c) => c.method === 'labs.start')).toBe(false);
    await fireEvent.click(screen.getByTestId('start-here'));
    await waitFor(() => expect(b.calls.some((c) => c.method === 'labs.start')).toBe(true));
  });
});
