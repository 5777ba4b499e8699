// VolumeBinding hook: the storage component plugs its PVC/PV logic in here; the default accepts every node.
import type { FilterPlugin } from '../types';

export interface VolumeBindingHook {
  /** e.g. "pod has unbound immediate PersistentVolumeClaims" as an UnschedulableAndUnresolvable status */
  preFilter?: FilterPlugin['preFilter'];
  filter?: FilterPlugin['filter'];
}

export function volumeBinding(hook: VolumeBindingHook = {}): FilterPlugin {
  return {
    name: 'VolumeBinding',
    preFilter: hook.preFilter,
    filter: (s, pod, node, snap) => (hook.filter ? hook.filter(s, pod, node, snap) : null),
  };
}
