// Real node-pty sessions running bash with a fake kubeconfig: environment, prompt, UTF-8, resize, re-attach.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerminalManager, type TerminalReceiver } from './terminal-manager';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-term-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, 'apiVersion: v1\ncontexts:\n- name: kubelab\n  context:\n    cluster: kubelab\n    namespace: team-a\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collector(): TerminalReceiver & { out: () => string; waitFor(re: RegExp, ms?: number): Promise<string> } {
  let buf = '';
  const waiters: (() => void)[] = [];
  return {
    data: (_id, d) => {
      buf += d;
      waiters.splice(0).forEach((w) => w());
    },
    exit: () => undefined,
    out: () => buf,
    waitFor(re, ms = 10_000) {
      return new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`timed out waiting for ${re}; got:\n${buf}`)), ms);
        const check = () => {
          if (re.test(buf)) {
            clearTimeout(timer);
            res(buf);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('TerminalManager', () => {
  const mgr = new TerminalManager({
    kubeconfigPath: () => kubeconfig,
    kubectlBinDir: null,
    kubectlFound: true,
    stateDir: join(dir, 'state'),
    shell: '/bin/bash',
  });
  afterAll(() => mgr.closeAll());

  it('runs bash with KUBECONFIG set and the namespace in the prompt', async () => {
    const rx = collector();
    const t = mgr.open(80, 24, rx);
    await rx.waitFor(/kubelab:team-a/);
    mgr.write(t.id, 'echo "kc=$KUBECONFIG"\r');
    await rx.waitFor(new RegExp(`kc=${kubeconfig.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });

  it('passes multi-byte UTF-8 through intact and applies resizes', async () => {
    const rx = collector();
    const t = mgr.open(80, 24, rx);
    await rx.waitFor(/kubelab:/);
    mgr.write(t.id, 'printf "%s\\n" "容器-$((6*7))-ü"\r');
    await rx.waitFor(/容器-42-ü/);
    mgr.resize(t.id, 123, 40);
    mgr.write(t.id, 'echo "size=$(stty size)"\r');
    await rx.waitFor(/size=40 123/);
  });

  it('keeps the shell across a receiver change and repaints from the replay buffer', async () => {
    const first = collector();
    const t = mgr.open(80, 24, first);
    mgr.write(t.id, 'export MARK=kept-$((1+1))\r');
    await first.waitFor(/kubelab:[\s\S]*kubelab:/);
    mgr.detachReceiver(first);
    const second = collector();
    const { replay } = mgr.attach(t.id, second);
    expect(replay).toContain('export MARK');
    mgr.write(t.id, 'echo "$MARK"\r');
    await second.waitFor(/kept-2/);
    expect(mgr.list().map((x) => x.id)).toContain(t.id);
  });

  it('runs a command at an idle prompt, never into a tab where a command is running', async () => {
    const rx = collector();
    const t = mgr.open(80, 24, rx);
    await rx.waitFor(/kubelab:/);
    const idle = mgr.run('echo "idle-$((20+1))"\r', rx, t.id);
    expect(idle).toMatchObject({ opened: false, info: { id: t.id } });
    await rx.waitFor(/idle-21/);
    mgr.write(t.id, 'sleep 30\r');
    await until(() => mgr.list().find((x) => x.id === t.id)?.busy === true);
    const ran = mgr.run('echo "ran-$((40+2))"\r', rx, t.id);
    expect(ran.info.id).not.toBe(t.id);
    // an idle tab of an earlier test may be the one chosen: follow whichever it was
    const other = collector();
    const { replay } = mgr.attach(ran.info.id, other);
    other.data(ran.info.id, replay);
    await other.waitFor(/ran-42/);
    // the sleeping tab got nothing typed into it: interrupting it leaves its prompt clean
    mgr.write(t.id, '\x03');
    await until(() => mgr.list().find((x) => x.id === t.id)?.busy === false);
    mgr.close(t.id);
    mgr.close(ran.info.id);
  });

  it('prints a clear message when kubectl is missing', async () => {
    const m2 = new TerminalManager({
      kubeconfigPath: () => kubeconfig,
      kubectlBinDir: null,
      kubectlFound: false,
      stateDir: join(dir, 'state2'),
      shell: '/bin/bash',
    });
    const rx = collector();
    m2.open(80, 24, rx);
    await rx.waitFor(/kubectl was not found/);
    m2.closeAll();
  });
});
