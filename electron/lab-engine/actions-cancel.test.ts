// Cancel (the app's Stop button): a solution's running script is killed and nothing after it runs.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runActions } from './actions';
import type { KubeClient } from './kube-client';
import type { Lab } from './types';

describe('runActions with a signal', () => {
  it('kills the running script and skips the rest when cancelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-cancel-'));
    const ac = new AbortController();
    const started = Date.now();
    const run = runActions(
      [
        { type: 'run', script: `touch ${dir}/began; sleep 30`, where: 'step a' },
        { type: 'run', script: `touch ${dir}/after`, where: 'step a' },
      ],
      { kube: {} as KubeClient, kubeconfig: join(dir, 'none'), lab: { namespaces: ['lab-x'] } as Lab, lang: 'en', signal: ac.signal },
    );
    for (const end = Date.now() + 10_000; !existsSync(join(dir, 'began'));) {
      if (Date.now() > end) throw new Error('the script never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    ac.abort(new Error('cancelled'));
    await expect(run).rejects.toThrow(/^cancelled$/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(join(dir, 'after'))).toBe(false);
  });
});
