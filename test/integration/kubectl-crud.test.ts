// The CRUD behaviour of scenario 10 with the real kubectl, asserting what upstream kubectl prints.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, kubectlPath, type TestCluster } from '../harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('kubectl-crud: skipped — no kubectl found (set KUBECTL or install kubectl)');

describe.skipIf(!kubectl)('kubectl CRUD against KubeLab', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    await tc.kubectl(['create', 'namespace', 'crud']);
  });
  afterAll(async () => {
    await tc?.stop();
  });
  const k = (...args: string[]) => tc.kubectl(['-n', 'crud', ...args]);
  const out = async (...args: string[]) => (await k(...args)).stdout;

  it('creates, reads, patches, labels and deletes with upstream messages', async () => {
    expect((await k('create', 'configmap', 'app', '--from-literal=color=blue', '--from-literal=size=2')).code).toBe(0);
    expect(await out('get', 'configmap', 'app', '-o', 'jsonpath={.data.color}')).toBe('blue');
    const dup = await k('create', 'configmap', 'app', '--from-literal=x=y');
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain('configmaps "app" already exists');
    expect((await k('get', 'configmap', 'nope')).stderr).toContain('Error from server (NotFound): configmaps "nope" not found');
    const yaml = await out('get', 'configmap', 'app', '-o', 'yaml');
    for (const f of ['resourceVersion:', 'uid:', 'creationTimestamp:']) expect(yaml).toContain(f);

    const rv1 = await out('get', 'cm', 'app', '-o', 'jsonpath={.metadata.resourceVersion}');
    expect(await out('patch', 'configmap', 'app', '--type=merge', '-p', '{"data":{"color":"green"}}')).toContain('patched');
    const rv2 = await out('get', 'cm', 'app', '-o', 'jsonpath={.metadata.resourceVersion}');
    expect(rv2).not.toBe(rv1);
    expect((await k('patch', 'configmap', 'app', '--type=json', '-p', '[{"op":"remove","path":"/data/size"}]')).code).toBe(0);
    expect(await out('get', 'cm', 'app', '-o', 'jsonpath={.data.size}')).toBe('');

    const rv3 = await out('get', 'cm', 'app', '-o', 'jsonpath={.metadata.resourceVersion}');
    const stale = (await out('get', 'configmap', 'app', '-o', 'json')).replace(`"resourceVersion": "${rv3}"`, `"resourceVersion": "${rv1}"`);
    expect(stale).toContain(`"resourceVersion": "${rv1}"`);
    const f = join(tc.dataDir, 'stale.json');
    writeFileSync(f, stale);
    const conflict = await k('replace', '-f', f);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('Conflict');
    expect(conflict.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');

    expect((await k('label', 'configmap', 'app', 'tier=web')).code).toBe(0);
    expect((await out('get', 'configmap', '-l', 'tier=web', '-o', 'name')).trim()).toBe('configmap/app');
    expect((await out('get', 'configmap', '-l', 'tier in (db,web)', '-o', 'name')).trim()).toBe('configmap/app');
    expect((await out('get', 'configmap', '--field-selector', 'metadata.name=app', '-o', 'name')).trim()).toBe('configmap/app');
    expect((await k('get', 'configmap', '--field-selector', 'data.color=green')).stderr).toContain('field label not supported: data.color');
    expect(await out('delete', 'configmap', 'app')).toContain('configmap "app" deleted');
    expect((await k('get', 'configmap', 'app')).code).not.toBe(0);
  });

  it('paginates lists with limit and continue', async () => {
    for (let i = 0; i < 7; i++) await k('create', 'configmap', `page-${i}`);
    const lines = (await out('get', 'configmap', '--chunk-size=2', '-o', 'name')).trim().split('\n');
    expect(lines.filter((l) => l.startsWith('configmap/page-'))).toHaveLength(7);
  });

  it('answers kubectl auth can-i and whoami for the admin', async () => {
    expect((await tc.kubectl(['auth', 'can-i', 'create', 'deployments'])).stdout.trim()).toBe('yes');
    const who = (await tc.kubectl(['auth', 'whoami'])).stdout;
    expect(who).toContain('kubernetes-admin');
    expect(who).toContain('system:masters');
  });
});
