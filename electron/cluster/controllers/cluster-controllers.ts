// Job, CronJob, node lifecycle, disruption, endpoints, quota, HPA, pod GC. Placeholder until they land.
import type { ControllerContext } from './index';

export function startClusterControllers(_ctx: ControllerContext): { stop(): void }[] {
  return [];
}
