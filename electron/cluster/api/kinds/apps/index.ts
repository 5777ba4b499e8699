import type { KindStrategy } from '../../kind';
import { controllerRevisionStrategy } from './controllerrevision';
import { daemonSetStrategy } from './daemonset';
import { deploymentStrategy } from './deployment';
import { replicaSetStrategy } from './replicaset';
import { statefulSetStrategy } from './statefulset';

export const appsKinds: KindStrategy[] = [deploymentStrategy, replicaSetStrategy, statefulSetStrategy, daemonSetStrategy, controllerRevisionStrategy];
export { deploymentStrategy, replicaSetStrategy, statefulSetStrategy, daemonSetStrategy, controllerRevisionStrategy };
