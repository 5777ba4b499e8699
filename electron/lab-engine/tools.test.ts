// Labs name the programs they need besides kubectl (lab.yaml `tools:`): a missing one is reported, and lab scripts
// find the app's bundled tools on their PATH.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingTools, missingToolProblems, bundledToolDirs } from './tools';
import { runScript } from './actions';
import { readLab } from './loader';

const labsRoot = join(__dirname, '..', '..', 'labs');

describe('lab tools', () => {
  it('a tool that is neither bundled nor on PATH is missing, and the course page says what to do', () => {
    expect(missingTools({ tools: ['kubelab-no-such-tool'] }, '')).toEqual(['kubelab-no-such-tool']);
    expect(missingTools({ tools: ['sh'] }, '/bin:/usr/bin')).toEqual([]);
    const [p] = missingToolProblems({ id: '06-helm', tools: ['kubelab-no-such-tool'] });
    expect(p.en).toMatch(/^kubelab-no-such-tool was not found: .* Install kubelab-no-such-tool and restart KubeLab to do lab 06-helm/);
    expect(p.zh).toContain('未找到 kubelab-no-such-tool');
  });

  it('lab.yaml tools must be a list of program names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-lab-tools-'));
    const lab = join(dir, '99-x');
    mkdirSync(lab);
    const yaml = (tools: string) => `id: 99-x\nchapter: 6\ntitle: {en: x, zh: x}\nnamespace: lab-99x\ntools: ${tools}\nsteps: []\n`;
    writeFileSync(join(lab, 'en.md'), '# x\n');
    writeFileSync(join(lab, 'zh.md'), '# x\n');
    writeFileSync(join(lab, 'lab.yaml'), yaml('[helm]'));
    expect(readLab(lab).problems.join('\n')).not.toContain('tools must');
    expect(readLab(join(__dirname, '..', '..', 'labs', '06-helm')).lab?.tools).toEqual(['helm']);
    writeFileSync(join(lab, 'lab.yaml'), yaml('["rm -rf"]'));
    expect(readLab(lab).problems.join('\n')).toContain('tools must be a list of program names, e.g. [helm]');
  });

  const bundledHelm = bundledToolDirs().some((d) => existsSync(join(d, 'helm')));
  it.skipIf(!bundledHelm)('a lab script finds the bundled helm and $KUBELAB_LABS', async () => {
    const r = await runScript('command -v helm; echo "$KUBELAB_LABS"', '/dev/null', 'ns', 10_000, undefined, { labDir: join(labsRoot, '06-helm') });
    expect(r.code).toBe(0);
    expect(r.output).toBe(`${r.output.split('\n')[0]}\n${labsRoot}\n`);
    expect(r.output.split('\n')[0]).toMatch(/\/helm$/);
  });
});
