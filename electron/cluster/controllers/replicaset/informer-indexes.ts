// Secondary indexes the workload controllers share on the controller manager's informers.
import type { Informer } from '../../client/types';
import type { KObject } from '../../api/types';
import { controllerRefOf } from './pod-helpers';

export const BY_CONTROLLER = 'workloads/controller-uid';
export const BY_NAMESPACE = 'workloads/namespace';

const indexed = new WeakSet<Informer<KObject>>();

/** adds the controller-uid and namespace indexes once per informer */
export function ensureWorkloadIndexes<T extends KObject>(inf: Informer<T>): Informer<T> {
  const i = inf as unknown as Informer<KObject>;
  if (indexed.has(i)) return inf;
  indexed.add(i);
  inf.addIndex(BY_CONTROLLER, (o) => {
    const r = controllerRefOf(o);
    return r ? [r.uid] : [];
  });
  inf.addIndex(BY_NAMESPACE, (o) => [o.metadata.namespace ?? '']);
  return inf;
}

export const ownedBy = <T extends KObject>(inf: Informer<T>, uid: string | undefined): T[] => (uid ? inf.byIndex(BY_CONTROLLER, uid) : []);
export const inNamespace = <T extends KObject>(inf: Informer<T>, ns: string | undefined): T[] => inf.byIndex(BY_NAMESPACE, ns ?? '');
