// The terminal finds kubectl and helm the same way — bundled first, else PATH — and puts a bundled helm and the
// labs folder ($KUBELAB_LABS) into the shell's environment.
import { describe, it, expect } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { locateTool } from './kubectl-locate';
import { planShell } from './shell-setup';

function fakeTool(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, '#!/bin/sh\necho fake\n');
  chmodSync(p, 0o755);
  return p;
}

describe.skipIf(process.platform === 'win32')('tool location and the terminal PATH', () => {
  const root = mkdtempSync(join(tmpdir(), 'kubelab-tools-'));
  const bundled = join(root, 'bundled');
  const system = join(root, 'system');

  it('prefers the bundled copy, falls back to PATH, and says when there is none', () => {
    fakeTool(system, 'helm');
    expect(locateTool('helm', [join(root, 'empty')], system)).toEqual({ path: join(system, 'helm'), source: 'system', binDir: null });
    fakeTool(bundled, 'helm');
    expect(locateTool('helm', [bundled], system)).toEqual({ path: join(bundled, 'helm'), source: 'bundled', binDir: bundled });
    expect(locateTool('helm', [join(root, 'empty')], join(root, 'nowhere'))).toEqual({ path: null, source: null, binDir: null });
    // a file without the execute bit is no tool
    writeFileSync(join(root, 'helm'), '');
    expect(locateTool('helm', [root], '').path).toBeNull();
  });

  it('puts kubectl first (after the folder holding only the ssh shim), then the bundled helm, on the shell PATH, and sets KUBELAB_LABS', () => {
    const plan = planShell({
      kubeconfigPath: '/k/config',
      kubectlBinDir: '/opt/kubelab/bin',
      toolBinDirs: [bundled, '/opt/kubelab/bin'],
      labsDir: '/opt/kubelab/labs',
      stateDir: join(root, 'state'),
      shell: '/bin/sh',
      baseEnv: { PATH: '/usr/bin', HOME: root },
    });
    const sshShim = process.platform === 'win32' ? [] : [join(root, 'state', 'bin')];
    expect(plan.env.PATH.split(delimiter)).toEqual([...sshShim, '/opt/kubelab/bin', bundled, '/usr/bin']);
    expect(plan.env.KUBELAB_LABS).toBe('/opt/kubelab/labs');
  });
});
