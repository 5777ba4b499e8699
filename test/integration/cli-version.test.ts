// `kubelab --version` / `-v`: the app's version and the Kubernetes version its cluster serves.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUBELET_VERSION } from '../../electron/cluster/kubelet/node-object';

const ROOT = join(__dirname, '..', '..');

describe('kubelab --version', () => {
  it('prints the package version and the served Kubernetes version with either spelling', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    for (const flag of ['--version', '-v']) {
      const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'kubelab.js'), flag], { encoding: 'utf8', cwd: '/' });
      const [first, second] = out.trim().split('\n');
      expect(first).toBe(`kubelab ${pkg}`);
      expect(second).toMatch(new RegExp(`^Kubernetes ${KUBELET_VERSION.replace(/\./g, '\\.')} `));
      expect(KUBELET_VERSION).toMatch(/^v1\.33\./);
    }
  });
});
