// The Deployment controller (upstream pkg/controller/deployment): watches Deployments and their ReplicaSets
// (and pods, for Recreate), claims ReplicaSets by selector and hands each Deployment to a DeploymentSync.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { labelSelectorMatcher } from '../../api/selectors';
import { deepEqual } from '../../api/object';
import { WorkQueue } from '../workqueue';
import { EventRecorder } from '../../client/event-recorder';
import { claimObjects } from '../replicaset/ref-manager';
import { controllerRefOf } from '../replicaset/pod-helpers';
import { ensureWorkloadIndexes, inNamespace, ownedBy } from '../replicaset/informer-indexes';
import { DeploymentSync } from './deployment-sync';

export function startDeploymentController(client: Client, informers: InformerFactory): { stop(): void } {
  const dInf = ensureWorkloadIndexes(informers.informer(R.deployments));
  const rsInf = ensureWorkloadIndexes(informers.informer(R.replicasets));
  const podInf = ensureWorkloadIndexes(informers.informer(R.pods));
  const recorder = new EventRecorder(client, {
    component: 'deployment-controller',
    reportingInstance: 'deployment-controller-kubelab',
    involvedKind: { apiVersion: 'apps/v1', kind: 'Deployment' },
  });
  const queue = new WorkQueue((key) => sync(key), { workers: 5, name: 'deployment' });

  function ownerOf(rs: KObject): KObject | undefined {
    const ref = controllerRefOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = dInf.getByName(rs.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }
  const enqueueMatching = (rs: KObject) => {
    for (const d of inNamespace(dInf, rs.metadata.namespace)) {
      if (labelSelectorMatcher(d.spec?.selector)(rs.metadata.labels)) queue.add(objectKey(d));
    }
  };

  dInf.onAdd((d) => queue.add(objectKey(d)));
  dInf.onUpdate((_o, d) => queue.add(objectKey(d)));
  dInf.onDelete((d) => queue.add(objectKey(d)));

  rsInf.onAdd((rs) => {
    const d = ownerOf(rs);
    if (d) queue.add(objectKey(d));
    else if (!controllerRefOf(rs)) enqueueMatching(rs);
  });
  rsInf.onUpdate((old, rs) => {
    const oldRef = controllerRefOf(old),
      ref = controllerRefOf(rs);
    if (oldRef && oldRef.uid !== ref?.uid) {
      const o = ownerOf(old);
      if (o) queue.add(objectKey(o));
    }
    const d = ownerOf(rs);
    if (d) {
      queue.add(objectKey(d));
      return;
    }
    if (!ref && (oldRef || !deepEqual(old.metadata.labels, rs.metadata.labels))) enqueueMatching(rs);
  });
  rsInf.onDelete((rs) => {
    const d = ownerOf(rs);
    if (d) queue.add(objectKey(d));
  });

  // Recreate waits for the old pods to be gone, so their deletion is worth a look
  podInf.onDelete((pod) => {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = rsInf.getByName(pod.metadata.namespace, ref.name);
    const d = rs ? ownerOf(rs) : undefined;
    if (d && d.spec?.strategy?.type === 'Recreate') queue.add(objectKey(d));
  });

  async function sync(key: string): Promise<void> {
    const d = dInf.get(key);
    if (!d) return;
    const sel = d.spec?.selector;
    if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) {
      recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const matches = labelSelectorMatcher(sel);
    const rsList = await claimObjects(inNamespace(rsInf, d.metadata.namespace), {
      client,
      gvr: R.replicasets,
      owner: d,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'Deployment',
      matches: (rs) => matches(rs.metadata.labels),
    });
    const podsByRs = new Map<string, KObject[]>();
    for (const rs of rsList) podsByRs.set(rs.metadata.uid!, ownedBy(podInf, rs.metadata.uid));
    await new DeploymentSync({ client, recorder, requeueAfter: (ms) => queue.addAfter(key, ms) }, d, rsList, podsByRs).run();
  }

  return { stop: () => queue.stop() };
}
