import { describe, expect, it } from 'vitest';
import { StrategicMergePatchError, jsonMergePatch, strategicMergePatch } from './index';

const DEPLOY = 'io.k8s.api.apps.v1.Deployment';
const POD = 'io.k8s.api.core.v1.Pod';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web', tier: 'fe' }, finalizers: ['a/x'] },
  spec: {
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.25',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80 }],
      },
    ],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
});

describe('strategicMergePatch', () => {
  it('adds a container by name and keeps the existing one', () => {
    const dep = { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } } };
    const out = strategicMergePatch(
      dep,
      { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox', command: ['sleep', '3600'] }] } } } },
      DEPLOY,
    );
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['nginx', 'sidecar']);
    expect(dep.spec.template.spec.containers).toHaveLength(1);
  });

  it('merges into a container with the same name and its env by name', () => {
    const out: any = strategicMergePatch(
      pod(),
      {
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.26',
              env: [
                { name: 'B', value: '3' },
                { name: 'C', value: '4' },
              ],
            },
          ],
        },
      },
      POD,
    );
    expect(out.spec.containers).toHaveLength(1);
    expect(out.spec.containers[0].image).toBe('nginx:1.26');
    expect(out.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
      { name: 'C', value: '4' },
    ]);
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80 }]);
  });

  it('deletes list items with $patch: delete and whole lists with $patch: replace', () => {
    const del: any = strategicMergePatch(pod(), { spec: { containers: [{ name: 'nginx', env: [{ name: 'A', $patch: 'delete' }] }] } }, POD);
    expect(del.spec.containers[0].env).toEqual([{ name: 'B', value: '2' }]);
    const rep: any = strategicMergePatch(pod(), { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } }, POD);
    expect(rep.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
    const mapReplace: any = strategicMergePatch(pod(), { metadata: { labels: { $patch: 'replace', new: 'v' } } }, POD);
    expect(mapReplace.metadata.labels).toEqual({ new: 'v' });
  });

  it('merges finalizers as a set and removes with $deleteFromPrimitiveList', () => {
    const add: any = strategicMergePatch(pod(), { metadata: { finalizers: ['a/x', 'b/y'] } }, POD);
    expect(add.metadata.finalizers).toEqual(['a/x', 'b/y']);
    const del: any = strategicMergePatch(add, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x'] } }, POD);
    expect(del.metadata.finalizers).toEqual(['b/y']);
  });

  it('replaces lists without a patch strategy and deletes fields set to null', () => {
    const out: any = strategicMergePatch(pod(), { metadata: { labels: { tier: null } }, spec: { tolerations: [{ key: 'other', operator: 'Exists' }] } }, POD);
    expect(out.spec.tolerations).toEqual([{ key: 'other', operator: 'Exists' }]);
    expect(out.metadata.labels).toEqual({ app: 'web' });
  });

  it('honours $setElementOrder and $retainKeys', () => {
    const two: any = strategicMergePatch(pod(), { spec: { containers: [{ name: 'side', image: 'b' }] } }, POD);
    const ordered: any = strategicMergePatch(two, { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'nginx' }] } }, POD);
    expect(ordered.spec.containers.map((c: any) => c.name)).toEqual(['side', 'nginx']);
    const withVol: any = { spec: { volumes: [{ name: 'v', emptyDir: {} }] } };
    const swapped: any = strategicMergePatch(withVol, { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }] } }, POD);
    expect(swapped.spec.volumes).toEqual([{ name: 'v', hostPath: { path: '/x' } }]);
  });

  it('rejects list items without the merge key', () => {
    expect(() => strategicMergePatch(pod(), { spec: { containers: [{ image: 'x' }] } }, POD)).toThrow(StrategicMergePatchError);
  });
});

describe('jsonMergePatch', () => {
  it('merges objects, deletes on null and replaces arrays', () => {
    const out: any = jsonMergePatch(pod(), { metadata: { labels: { tier: null, new: 'x' } }, spec: { containers: [{ name: 'only' }] } });
    expect(out.metadata.labels).toEqual({ app: 'web', new: 'x' });
    expect(out.spec.containers).toEqual([{ name: 'only' }]);
    expect(jsonMergePatch({ a: 1 }, 'x')).toBe('x');
  });
});
