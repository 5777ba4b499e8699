// StorageObjectInUseProtection: every new claim and volume carries its protection finalizer, so deleting one that a
// pod (or a claim) still uses leaves it Terminating until the pvc-/pv-protection controller sees it unused.
import type { AdmissionPlugin } from './types';
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from '../storage/binding';

export const storageObjectInUseProtection: AdmissionPlugin = {
  name: 'StorageObjectInUseProtection',
  mutate(a) {
    if (a.operation !== 'CREATE' || a.subresource || a.gvr.group !== '' || !a.object) return;
    const finalizer =
      a.gvr.resource === 'persistentvolumeclaims' ? PVC_PROTECTION_FINALIZER : a.gvr.resource === 'persistentvolumes' ? PV_PROTECTION_FINALIZER : undefined;
    if (!finalizer) return;
    const list = (a.object.metadata.finalizers ??= []);
    if (!list.includes(finalizer)) list.push(finalizer);
  },
};
