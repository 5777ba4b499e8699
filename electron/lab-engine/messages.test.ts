// Grader messages a learner can read, from the check itself when the author wrote none, in both languages; the
// grader's expressions stay in the detail.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test/harness';
import { readKubeconfig } from './kubeconfig';
import { KubeClient } from './kube-client';
import { runCheck } from './checks';
import { humanize } from './messages';
import type { Check } from './types';

describe('grader messages', () => {
  let tc: TestCluster;
  let kube: KubeClient;
  const ctx = () => ({ kube, namespace: 'default', lang: 'en' as const });
  const grade = async (c: Check) => humanize(c, await runCheck(c, ctx()), ctx());
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    kube = new KubeClient(readKubeconfig(tc.kubeconfig));
    await kube.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      },
    });
  });
  afterAll(async () => {
    kube?.close();
    await tc?.stop();
  });

  it('says expected and found for a field, in English and Chinese', async () => {
    const r = await grade({
      type: 'assert',
      where: 'lab.yaml:10',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } },
    });
    expect(r.ok).toBe(false);
    expect(r.summary.en).toBe('Deployment web: expected spec.replicas = 5, found 3');
    expect(r.summary.zh).toBe('Deployment web：spec.replicas 应为 5，实际为 3');
    expect(r.detail).toMatch(/^assert \(lab.yaml:10\)/);
  });

  it('keeps JMESPath out of the summary and in the detail', async () => {
    const r = await grade({
      type: 'assert',
      where: 'lab.yaml:20',
      object: { apiVersion: 'v1', kind: 'NodeList', "(length(items[?metadata.labels.zone == 'a']) > `0`)": true } as never,
    });
    expect(r.summary).toEqual({ en: 'The Nodes are not as this step asks yet', zh: '这些 Node 还不符合本步骤的要求' });
    expect(r.summary.en + r.summary.zh).not.toMatch(/length\(|items\[\?/);
    expect(r.detail).toMatch(/length\(items/);
  });

  it('names a missing object and its namespace; the author message comes first when there is one', async () => {
    const missing = await grade({ type: 'assert', where: 'x', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope' } } });
    expect(missing.summary).toEqual({ en: 'ConfigMap nope was not found in namespace default', zh: '在命名空间 default 中没有找到 ConfigMap nope' });
    const authored = await grade({
      type: 'assert',
      where: 'x',
      message: { en: 'Create the ConfigMap nope.', zh: '创建 ConfigMap nope。' },
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope' } },
    });
    expect(authored.summary).toEqual({ en: 'Create the ConfigMap nope.', zh: '创建 ConfigMap nope。' });
  });
});
