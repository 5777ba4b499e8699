// Workload controllers of the controller manager: Deployment, ReplicaSet, StatefulSet, DaemonSet.
import type { ControllerContext } from './index';
import { startReplicaSetController } from './replicaset/replicaset-controller';
import { startDeploymentController } from './deployment/deployment-controller';
import { startStatefulSetController } from './statefulset/statefulset-controller';
import { startDaemonSetController } from './daemonset/daemonset-controller';

export function startWorkloadControllers(ctx: ControllerContext): { stop(): void }[] {
  return [
    startReplicaSetController(ctx.client, ctx.informers),
    startDeploymentController(ctx.client, ctx.informers),
    startStatefulSetController(ctx.client, ctx.informers),
    startDaemonSetController(ctx.client, ctx.informers),
  ];
}
