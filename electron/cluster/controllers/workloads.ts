// Workload controllers (Deployment, ReplicaSet, StatefulSet, DaemonSet). Placeholder until they land.
import type { ControllerContext } from './index';

export function startWorkloadControllers(_ctx: ControllerContext): { stop(): void }[] {
  return [];
}
