// The StatefulSet controller (upstream pkg/controller/statefulset): watches sets, their pods, revisions and claims,
// claims pods and ControllerRevisions by selector, and runs syncStatefulSet for each set.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { labelSelectorMatcher } from '../../api/selectors';
import { WorkQueue } from '../workqueue';
import { EventRecorder } from '../../client/event-recorder';
import { claimObjects } from '../replicaset/ref-manager';
import { controllerRefOf } from '../replicaset/pod-helpers';
import { ensureWorkloadIndexes, inNamespace } from '../replicaset/informer-indexes';
import { ordinalOf } from './statefulset-pods';
import { syncStatefulSet } from './statefulset-sync';

export function startStatefulSetController(client: Client, informers: InformerFactory): { stop(): void } {
  const setInf = ensureWorkloadIndexes(informers.informer(R.statefulsets));
  const podInf = ensureWorkloadIndexes(informers.informer(R.pods));
  const revInf = ensureWorkloadIndexes(informers.informer(R.controllerrevisions));
  const pvcInf = informers.informer(R.persistentvolumeclaims);
  const recorder = new EventRecorder(client, {
    component: 'statefulset-controller',
    reportingInstance: 'statefulset-controller-kubelab',
    involvedKind: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  });
  const queue = new WorkQueue((key) => sync(key), { workers: 5, name: 'statefulset' });

  function ownerOf(o: KObject): KObject | undefined {
    const ref = controllerRefOf(o);
    if (!ref || ref.kind !== 'StatefulSet') return undefined;
    const s = setInf.getByName(o.metadata.namespace, ref.name);
    return s && s.metadata.uid === ref.uid ? s : undefined;
  }
  const enqueueFor = (o: KObject) => {
    const s = ownerOf(o);
    if (s) {
      queue.add(objectKey(s));
      return;
    }
    if (controllerRefOf(o)) return;
    for (const set of inNamespace(setInf, o.metadata.namespace)) {
      if (labelSelectorMatcher(set.spec?.selector)(o.metadata.labels)) queue.add(objectKey(set));
    }
  };

  setInf.onAdd((s) => queue.add(objectKey(s)));
  setInf.onUpdate((_o, s) => queue.add(objectKey(s)));
  setInf.onDelete((s) => queue.add(objectKey(s)));
  podInf.onAdd(enqueueFor);
  podInf.onUpdate((old, pod) => {
    enqueueFor(pod);
    if (controllerRefOf(old)?.uid !== controllerRefOf(pod)?.uid) enqueueFor(old);
  });
  podInf.onDelete(enqueueFor);
  revInf.onAdd(enqueueFor);
  revInf.onDelete(enqueueFor);

  async function sync(key: string): Promise<void> {
    const set = setInf.get(key);
    if (!set || set.metadata.deletionTimestamp) return;
    const matches = labelSelectorMatcher(set.spec?.selector);
    const ns = set.metadata.namespace;
    const common = { client, owner: set, ownerApiVersion: 'apps/v1', ownerKind: 'StatefulSet' };
    // a pod is ours only if its name fits <set>-<ordinal>, as upstream's isMemberOf requires
    const pods = await claimObjects(inNamespace(podInf, ns), {
      ...common,
      gvr: R.pods,
      matches: (p) => matches(p.metadata.labels) && ordinalOf(set, p) >= 0,
    });
    const revisions = await claimObjects(inNamespace(revInf, ns), { ...common, gvr: R.controllerrevisions, matches: (r) => matches(r.metadata.labels) });
    await syncStatefulSet({ client, recorder, pvcInf, requeueAfter: (ms) => queue.addAfter(key, ms) }, set, pods, revisions);
  }

  return { stop: () => queue.stop() };
}
