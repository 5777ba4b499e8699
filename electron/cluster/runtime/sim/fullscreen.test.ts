import { describe, expect, it } from 'vitest';
import { collect, runContainer, waitFor, worldsPerTest } from './test-helpers';

const world = worldsPerTest();

/** `kubectl exec -it POD -- sh` into a busybox (or debian) pod: a TTY of 80x24 */
async function terminal(image = 'busybox') {
  const w = world();
  const { id } = await runContainer(w.rt, w.dir, 'box', image, { command: ['sleep', '3600'] });
  const s = await w.rt.exec(id, { command: ['sh'], tty: true, stdin: true, stdout: true, stderr: false, size: { cols: 80, rows: 24 } });
  const out = collect(s.stdout);
  const type = (keys: string) => s.stdin!.write(keys);
  return { w, id, s, out, type };
}

describe('full-screen programs on a terminal', () => {
  it('top draws the process table and q returns to the shell prompt', async () => {
    const { s, out, type } = await terminal();
    type('top\r');
    await waitFor(() => out().includes('PID  PPID USER'), 3000, 'top screen');
    expect(out()).toContain('\x1b[H\x1b[2J');
    type('q');
    type('echo back-in-shell\r');
    await waitFor(() => out().includes('back-in-shell\r\n'), 3000, 'shell after top');
    type('exit 0\r');
    expect(await s.exit).toBe(0);
  });

  it('Ctrl-C leaves top too', async () => {
    const { s, out, type } = await terminal();
    type('top\r');
    await waitFor(() => out().includes('PID  PPID USER'), 3000, 'top screen');
    type('\x03');
    type('echo after-ctrl-c\r');
    await waitFor(() => out().includes('after-ctrl-c\r\n'), 3000, 'shell after Ctrl-C');
    type('exit 0\r');
    expect(await s.exit).toBe(0);
  });

  it('vi shows the file, :q! leaves it unchanged; i…Esc :wq writes it', async () => {
    const { s, out, type } = await terminal();
    type("printf 'first line\\n' > /tmp/notes\r");
    type('vi /tmp/notes\r');
    await waitFor(() => out().includes('"/tmp/notes" 1L, 11C'), 3000, 'vi status line');
    expect(out()).toContain('first line');
    type('ithrown away\x1b:q!\r');
    await waitFor(() => out().endsWith('/ # '), 3000, 'prompt after :q!');
    type('cat /tmp/notes\r');
    await waitFor(() => /cat \/tmp\/notes\r\nfirst line\r\n/.test(out()), 3000, 'file unchanged after :q!');
    const mark = out().length;
    type('vi /tmp/notes\r');
    await waitFor(() => out().slice(mark).includes('"/tmp/notes" 1L'), 3000, 'vi again');
    type('Osecond\x1b:wq\r');
    await waitFor(() => out().endsWith('/ # '), 3000, 'prompt after :wq');
    type('cat /tmp/notes\r');
    await waitFor(() => out().includes('second\r\nfirst line\r\n'), 3000, 'file written by :wq');
    type('exit 0\r');
    expect(await s.exit).toBe(0);
  });

  it('vi refuses :q with unsaved changes', async () => {
    const { s, out, type } = await terminal();
    type('vi /tmp/new\r');
    await waitFor(() => out().includes('"/tmp/new" [New file]'), 3000, 'new file');
    type('ix\x1b:q\r');
    await waitFor(() => out().includes('No write since last change (:quit! overrides)'), 3000, 'refusal');
    type(':q!\r');
    await waitFor(() => out().endsWith('/ # '), 3000, 'prompt after :q!');
    type('ls /tmp/new\r');
    await waitFor(() => out().includes('ls: /tmp/new: No such file or directory'), 3000, 'nothing written');
    type('exit 0\r');
    expect(await s.exit).toBe(0);
  });

  it('less pages through a pipe and q quits; more ends after the last page', async () => {
    const { s, out, type } = await terminal();
    type('seq 1 100 | less\r');
    await waitFor(() => out().includes('23\r\n'), 3000, 'first page');
    expect(out()).not.toContain('\r\n24\r\n');
    type(' ');
    await waitFor(() => out().includes('46\r\n'), 3000, 'second page');
    type('q');
    await waitFor(() => out().endsWith('/ # '), 3000, 'prompt after less');
    type('seq 1 30 | more\r');
    await waitFor(() => out().includes('--More--'), 3000, 'more prompt');
    type(' ');
    await waitFor(() => out().endsWith('/ # '), 3000, 'more ended at the last page');
    type('echo more-done\r');
    await waitFor(() => out().includes('more-done\r\n'), 3000, 'more ended at the last page');
    type('exit 0\r');
    expect(await s.exit).toBe(0);
  });

  it('kubectl exec -it POD -- top runs top directly and q ends the exec with status 0', async () => {
    const w = world();
    const { id } = await runContainer(w.rt, w.dir, 'box', 'busybox', { command: ['sleep', '3600'] });
    const s = await w.rt.exec(id, { command: ['top'], tty: true, stdin: true, stdout: true, stderr: false, size: { cols: 80, rows: 24 } });
    const out = collect(s.stdout);
    await waitFor(() => out().includes('PID  PPID USER'), 3000, 'top screen');
    s.stdin!.write('q');
    expect(await s.exit).toBe(0);
  });

  it('debian has more but no less, vi or top', async () => {
    const { s, out, type } = await terminal('debian');
    type('top; vi; less; echo rc=$?\r');
    await waitFor(() => out().includes('rc=127'), 3000, 'missing programs');
    expect(out()).toContain('sh: 1: top: not found');
    expect(out()).toContain('sh: 1: vi: not found');
    type('seq 1 50 | more\r');
    await waitFor(() => out().includes('--More--'), 3000, 'more prompt');
    type('q');
    type('exit 0\r');
    expect(await s.exit).toBe(0);
  });
});
