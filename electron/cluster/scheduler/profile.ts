// The default profile: upstream's plugin order (it decides which reason a node reports) and score weights.
import { imageLocality } from './plugins/image-locality';
import { interPodAffinityFilter, interPodAffinityScore } from './plugins/inter-pod-affinity';
import { nodeAffinityFilter, nodeAffinityScore } from './plugins/node-affinity';
import { nodeName } from './plugins/node-name';
import { nodePorts } from './plugins/node-ports';
import { nodeResourcesFit } from './plugins/node-resources-fit';
import { nodeUnschedulable } from './plugins/node-unschedulable';
import { podTopologySpreadFilter, podTopologySpreadScore } from './plugins/pod-topology-spread';
import { balancedAllocation, nodeResourcesFitScore } from './plugins/resource-scores';
import { taintTolerationFilter, taintTolerationScore } from './plugins/taint-toleration';
import { volumeBinding, type VolumeBindingHook } from './plugins/volume-binding';
import { volumeRestrictions } from './plugins/volume-restrictions';
import type { Profile } from './types';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface ProfileOptions {
  schedulerName?: string;
  volumeBinding?: VolumeBindingHook;
  preemption?: boolean;
}

export function defaultProfile(opts: ProfileOptions = {}): Profile {
  return {
    schedulerName: opts.schedulerName ?? DEFAULT_SCHEDULER_NAME,
    filters: [
      nodeUnschedulable,
      nodeName,
      taintTolerationFilter,
      nodeAffinityFilter,
      nodePorts,
      nodeResourcesFit,
      volumeRestrictions(opts.volumeBinding?.restrictions),
      volumeBinding(opts.volumeBinding),
      podTopologySpreadFilter,
      interPodAffinityFilter,
    ],
    scorers: [
      { plugin: taintTolerationScore, weight: 3 },
      { plugin: nodeAffinityScore, weight: 2 },
      { plugin: nodeResourcesFitScore, weight: 1 },
      { plugin: podTopologySpreadScore, weight: 2 },
      { plugin: interPodAffinityScore, weight: 2 },
      { plugin: balancedAllocation, weight: 1 },
      { plugin: imageLocality, weight: 1 },
    ],
    preemption: opts.preemption ?? true,
  };
}
