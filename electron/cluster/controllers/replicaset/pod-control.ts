// Creating pods from a controller's template, in upstream's slow-start batches (1, 2, 4, …): a template that
// cannot be created (quota, admission) fails after one call instead of after hundreds.
import type { KObject } from '../../api/types';
import { clone } from '../../api/object';
import type { OwnerRef } from './pod-helpers';

/** a pod object from a template: labels, annotations, finalizers and spec copied, generateName `<prefix>` */
export function podFromTemplate(template: KObject | undefined, namespace: string, generateName: string, owner?: OwnerRef): KObject {
  const t = clone(template ?? { metadata: {} }) as KObject;
  const md = t.metadata ?? {};
  const pod: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName, namespace },
    spec: t.spec ?? {},
  };
  if (md.labels) pod.metadata.labels = md.labels;
  if (md.annotations) pod.metadata.annotations = md.annotations;
  if (md.finalizers) pod.metadata.finalizers = md.finalizers;
  if (owner) pod.metadata.ownerReferences = [owner];
  return pod;
}

/**
 * runs `fn` `count` times in growing parallel batches; stops at the first batch with a failure.
 * Returns how many succeeded and the first error.
 */
export async function slowStartBatch(count: number, initial: number, fn: (i: number) => Promise<void>): Promise<{ ok: number; error?: unknown }> {
  let remaining = count;
  let ok = 0;
  let batch = Math.min(remaining, initial);
  let index = 0;
  while (batch > 0) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(index++)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    ok += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { ok, error: failed.reason };
    remaining -= batch;
    batch = Math.min(remaining, 2 * batch);
  }
  return { ok };
}
