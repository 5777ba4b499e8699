// The DaemonSet controller (upstream pkg/controller/daemon): watches DaemonSets, nodes, pods and revisions and
// runs syncDaemonSet; expectations keep a burst of pod events from creating two pods for one node.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { KObject } from '../../api/types';
import { labelSelectorMatcher } from '../../api/selectors';
import { deepEqual } from '../../api/object';
import { WorkQueue } from '../workqueue';
import { EventRecorder } from '../../client/event-recorder';
import { Expectations } from '../replicaset/expectations';
import { claimObjects } from '../replicaset/ref-manager';
import { controllerRefOf, podKey } from '../replicaset/pod-helpers';
import { ensureWorkloadIndexes, inNamespace } from '../replicaset/informer-indexes';
import { syncDaemonSet } from './daemonset-sync';

export function startDaemonSetController(client: Client, informers: InformerFactory): { stop(): void } {
  const dsInf = ensureWorkloadIndexes(informers.informer(R.daemonsets));
  const podInf = ensureWorkloadIndexes(informers.informer(R.pods));
  const revInf = ensureWorkloadIndexes(informers.informer(R.controllerrevisions));
  const nodeInf = informers.informer(R.nodes);
  const expectations = new Expectations();
  const recorder = new EventRecorder(client, {
    component: 'daemonset-controller',
    reportingInstance: 'daemonset-controller-kubelab',
    involvedKind: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  });
  const queue = new WorkQueue((key) => sync(key), { workers: 2, name: 'daemonset' });

  function ownerOf(o: KObject): KObject | undefined {
    const ref = controllerRefOf(o);
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = dsInf.getByName(o.metadata.namespace, ref.name);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }
  const enqueueAll = () => {
    for (const ds of dsInf.list()) queue.add(objectKey(ds));
  };
  const enqueueOrphan = (o: KObject) => {
    if (controllerRefOf(o)) return;
    for (const ds of inNamespace(dsInf, o.metadata.namespace)) {
      if (labelSelectorMatcher(ds.spec?.selector)(o.metadata.labels)) queue.add(objectKey(ds));
    }
  };
  const podGone = (pod: KObject) => {
    const ds = ownerOf(pod);
    if (!ds) return;
    expectations.deletionObserved(objectKey(ds), podKey(pod));
    queue.add(objectKey(ds));
  };

  dsInf.onAdd((ds) => queue.add(objectKey(ds)));
  dsInf.onUpdate((_o, ds) => queue.add(objectKey(ds)));
  dsInf.onDelete((ds) => {
    expectations.forget(objectKey(ds));
  });
  podInf.onAdd((pod) => {
    if (pod.metadata.deletionTimestamp) {
      podGone(pod);
      return;
    }
    const ds = ownerOf(pod);
    if (ds) {
      expectations.creationObserved(objectKey(ds));
      queue.add(objectKey(ds));
    } else enqueueOrphan(pod);
  });
  podInf.onUpdate((old, pod) => {
    if (pod.metadata.deletionTimestamp) {
      podGone(pod);
      return;
    }
    const ds = ownerOf(pod);
    if (ds) queue.add(objectKey(ds));
    else enqueueOrphan(pod);
    const o = ownerOf(old);
    if (o && o !== ds) queue.add(objectKey(o));
  });
  podInf.onDelete(podGone);
  revInf.onDelete((r) => {
    const ds = ownerOf(r);
    if (ds) queue.add(objectKey(ds));
  });
  nodeInf.onAdd(enqueueAll);
  nodeInf.onDelete(enqueueAll);
  // only changes that can move eligibility matter; heartbeats are frequent and change neither
  nodeInf.onUpdate((old, node) => {
    if (!deepEqual(old.metadata.labels, node.metadata.labels) || !deepEqual(old.spec, node.spec)) enqueueAll();
  });

  async function sync(key: string): Promise<void> {
    const ds = dsInf.get(key);
    if (!ds) {
      expectations.forget(key);
      return;
    }
    if (ds.metadata.deletionTimestamp) return;
    const matches = labelSelectorMatcher(ds.spec?.selector);
    const ns = ds.metadata.namespace;
    const common = { client, owner: ds, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet' };
    const pods = await claimObjects(inNamespace(podInf, ns), { ...common, gvr: R.pods, matches: (p) => matches(p.metadata.labels) });
    const revisions = await claimObjects(inNamespace(revInf, ns), { ...common, gvr: R.controllerrevisions, matches: (r) => matches(r.metadata.labels) });
    await syncDaemonSet({ client, recorder, expectations, key, requeueAfter: (ms) => queue.addAfter(key, ms) }, ds, nodeInf.list(), pods, revisions);
  }

  return { stop: () => queue.stop() };
}
