// DefaultStorageClass: a claim that names no class at all gets the cluster's default StorageClass
// (an explicit "" still means "no class", for static binding).
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import type { AdmissionLookup, AdmissionPlugin } from './types';

const DEFAULT_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** with several defaults, upstream picks the most recently created one (then by name) */
export function defaultStorageClass(lookup: AdmissionLookup): KObject | undefined {
  return newestDefault(lookup.list(R.storageclasses), DEFAULT_ANNOTATIONS);
}

/** the class marked default by one of `annotations`; with several, the most recently created (then by name), as
 * the DefaultStorageClass and DefaultIngressClass plugins choose */
export function newestDefault(classes: KObject[], annotations: string[]): KObject | undefined {
  const defaults = classes.filter((c) => annotations.some((k) => c.metadata.annotations?.[k] === 'true'));
  defaults.sort(
    (x, y) =>
      (y.metadata.creationTimestamp ?? '').localeCompare(x.metadata.creationTimestamp ?? '') || (x.metadata.name ?? '').localeCompare(y.metadata.name ?? ''),
  );
  return defaults[0];
}

export const defaultStorageClassPlugin: AdmissionPlugin = {
  name: 'DefaultStorageClass',
  mutate(a, lookup) {
    if (a.gvr.group !== '' || a.gvr.resource !== 'persistentvolumeclaims' || a.subresource || a.operation !== 'CREATE' || !a.object) return;
    const spec = (a.object.spec ??= {});
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    const sc = defaultStorageClass(lookup);
    if (sc) spec.storageClassName = sc.metadata.name;
  },
};
