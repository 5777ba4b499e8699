// VolumeRestrictions: a ReadWriteOncePod claim already used by a scheduled pod keeps every other pod that wants it off
// every node (Unschedulable, so preemption may evict the user). The storage component supplies the claim lookups.
import type { FilterPlugin } from '../types';

export interface VolumeRestrictionsHook {
  preFilter?: FilterPlugin['preFilter'];
  filter?: FilterPlugin['filter'];
}

export function volumeRestrictions(hook: VolumeRestrictionsHook = {}): FilterPlugin {
  return {
    name: 'VolumeRestrictions',
    preFilter: hook.preFilter,
    filter: (s, pod, node, snap) => (hook.filter ? hook.filter(s, pod, node, snap) : null),
  };
}
