// The restore plan leaves what the cluster owns alone: here a pod's binding, made by the scheduler after the snapshot.
import { describe, expect, it } from 'vitest';
import { planRestore } from './restore-plan';

const key = '/registry/pods/ingress-nginx/controller-x';
const pod = (o: { nodeName?: string; labels?: Record<string, string>; phase?: string }) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'controller-x', namespace: 'ingress-nginx', uid: 'u1', labels: o.labels ?? { app: 'c' } },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(o.nodeName ? { nodeName: o.nodeName } : {}) },
    status: { phase: o.phase ?? 'Pending' },
  });

describe('restore plan', () => {
  it('does not unbind a pod the snapshot caught Pending and the scheduler has bound since', () => {
    const plan = planRestore(new Map([[key, pod({})]]), new Map([[key, { value: pod({ nodeName: 'w2', phase: 'Running' }), modRevision: 7 }]]));
    expect(plan.ops).toEqual([]);
  });

  it("puts a user's change back but keeps the pod on its node", () => {
    const plan = planRestore(
      new Map([[key, pod({ labels: { app: 'c' } })]]),
      new Map([[key, { value: pod({ nodeName: 'w2', phase: 'Running', labels: { app: 'c', extra: 'x' } }), modRevision: 7 }]]),
    );
    expect(plan.ops).toHaveLength(1);
    const written = JSON.parse((plan.ops[0] as { value: string }).value);
    expect(written.metadata.labels).toEqual({ app: 'c' });
    expect(written.spec.nodeName).toBe('w2');
    expect(written.status.phase).toBe('Running');
  });
});
