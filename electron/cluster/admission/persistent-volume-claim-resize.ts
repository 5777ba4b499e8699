// PersistentVolumeClaimResize: a claim may only grow when its StorageClass allows volume expansion.
import type { AdmissionPlugin } from './types';
import { R } from '../client/resources';
import { storageClassOf, storageSize } from '../api/kinds/core/storage-common';
import { admissionForbidden } from './forbidden';

export const persistentVolumeClaimResize: AdmissionPlugin = {
  name: 'PersistentVolumeClaimResize',
  validate(a, lookup) {
    if (a.operation !== 'UPDATE' || a.subresource || a.gvr.group !== '' || a.gvr.resource !== 'persistentvolumeclaims' || !a.object || !a.oldObject) return;
    const grown = storageSize(a.object.spec?.resources?.requests?.storage) > storageSize(a.oldObject.spec?.resources?.requests?.storage);
    if (!grown) return;
    const className = storageClassOf(a.oldObject);
    const sc = className ? lookup.get(R.storageclasses, undefined, className) : undefined;
    if (!sc?.allowVolumeExpansion) {
      throw admissionForbidden(a, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
    }
  },
};
