// The pod a Job creates from its template: owner reference, tracking finalizer, and for Indexed Jobs the
// completion index (annotation, label, hostname, JOB_COMPLETION_INDEX env) as upstream's job controller adds them.
import type { KObject } from '../../api/types';
import { clone } from '../../api/object';
import { COMPLETION_INDEX_KEY } from './indexes';
import type { EnvVar } from 'kubernetes-types/core/v1';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

export function buildJobPod(job: KObject, index?: number): KObject {
  const tpl = clone(job.spec?.template ?? {});
  const meta = tpl.metadata ?? {};
  const spec = tpl.spec ?? {};
  const name = job.metadata.name!;
  const pod: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: index === undefined ? `${name}-` : `${name}-${index}-`,
      namespace: job.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      annotations: { ...(meta.annotations ?? {}) },
      finalizers: [JOB_TRACKING_FINALIZER],
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec,
  };
  if (index !== undefined) {
    pod.metadata.annotations![COMPLETION_INDEX_KEY] = String(index);
    pod.metadata.labels![COMPLETION_INDEX_KEY] = String(index);
    // a stable DNS name per index, reachable through a headless Service named like spec.subdomain
    spec.hostname ??= `${name}-${index}`;
    const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_KEY}']` } } };
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      c.env = [...(c.env ?? []).filter((e: EnvVar) => e.name !== 'JOB_COMPLETION_INDEX'), env];
    }
  }
  if (!Object.keys(pod.metadata.annotations!).length) delete pod.metadata.annotations;
  return pod;
}
