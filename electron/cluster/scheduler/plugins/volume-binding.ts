// VolumeBinding hook: the storage component plugs its PVC/PV logic in here; the default accepts every node.
import type { FilterPlugin, Pod } from '../types';
import type { VolumeRestrictionsHook } from './volume-restrictions';

export interface VolumeBindingHook {
  /** e.g. "pod has unbound immediate PersistentVolumeClaims" as an UnschedulableAndUnresolvable status */
  preFilter?: FilterPlugin['preFilter'];
  filter?: FilterPlugin['filter'];
  /** before the Binding is written: records the node chosen for the pod's unbound WaitForFirstConsumer claims */
  preBind?(pod: Pod, nodeName: string): Promise<void>;
  /** the ReadWriteOncePod checks of upstream's VolumeRestrictions plugin, which need the same claim lookups */
  restrictions?: VolumeRestrictionsHook;
}

export function volumeBinding(hook: VolumeBindingHook = {}): FilterPlugin {
  return {
    name: 'VolumeBinding',
    preFilter: hook.preFilter,
    filter: (s, pod, node, snap) => (hook.filter ? hook.filter(s, pod, node, snap) : null),
  };
}
