// The desktop app through Playwright's Electron driver; skipped (with the reason printed) where the Electron
// binary is not installed, which is the case in CI containers that cannot download it.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';

const ROOT = resolve(__dirname, '..');

function electronBinary(): string | undefined {
  try {
    const p = createRequire(join(ROOT, 'package.json'))('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

const bin = electronBinary();
if (!bin) console.log('[skip] Electron e2e: the electron binary is not installed (optional dependency; its download is unavailable here)');

describe.skipIf(!bin)('desktop app (Electron)', () => {
  let app: ElectronApplication | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-electron-'));
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens one hardened window with the course and a running cluster', async () => {
    app = await _electron.launch({
      executablePath: bin!,
      args: [join(ROOT, 'dist', 'main.cjs')],
      env: { ...process.env, KUBELAB_DATA_DIR: dataDir } as Record<string, string>,
    });
    const win = await app.firstWindow();
    await win.getByTestId('cluster-status').filter({ hasText: 'Cluster ready' }).waitFor({ timeout: 60_000 });
    expect(await win.locator('[data-testid=chapters] > li').count()).toBe(30);
    expect(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await win.evaluate(() => typeof (globalThis as { kubelab?: { invoke?: unknown } }).kubelab?.invoke)).toBe('function');
  });
});
