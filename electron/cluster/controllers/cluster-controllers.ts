// The rest of kube-controller-manager: Job, CronJob, TTL-after-finished, node lifecycle and taint eviction,
// disruption (PDB status), Endpoints and EndpointSlices, ResourceQuota status, HPA and pod GC.
import type { ControllerContext } from './index';
import type { GVR } from '../api/types';
import { splitApiVersion } from '../api/types';
import { startJobController } from './job/job-controller';
import { startCronJobController } from './cronjob/cronjob-controller';
import { startTtlAfterFinishedController } from './ttlafterfinished/ttl-after-finished-controller';
import { startNodeLifecycleController } from './nodelifecycle/node-lifecycle-controller';
import { startTaintEvictionController } from './nodelifecycle/taint-eviction-controller';
import { startDisruptionController } from './disruption/disruption-controller';
import { startEndpointsController } from './endpoints/endpoints-controller';
import { startEndpointSliceController } from './endpoints/endpointslice-controller';
import { startResourceQuotaController } from './resourcequota/resourcequota-controller';
import { startHpaController } from './hpa/hpa-controller';
import { startPodGcController } from './podgc/podgc-controller';

export function startClusterControllers(ctx: ControllerContext): { stop(): void }[] {
  const { client, informers, catalog } = ctx;
  const gvrOf = (e: { group: string; version: string; resource: string }): GVR => ({ group: e.group, version: e.version, resource: e.resource });
  const preferred = (group: string) => catalog.groups().find((g) => g.name === group)?.preferred;
  return [
    startJobController(client, informers),
    startCronJobController(client, informers),
    startTtlAfterFinishedController(client, informers),
    startNodeLifecycleController(client, informers),
    startTaintEvictionController(client, informers),
    startDisruptionController(client, informers),
    startEndpointsController(client, informers),
    startEndpointSliceController(client, informers),
    startResourceQuotaController(client, informers, {
      resolve(resourceDotGroup) {
        const i = resourceDotGroup.indexOf('.');
        const resource = i < 0 ? resourceDotGroup : resourceDotGroup.slice(0, i);
        const group = i < 0 ? '' : resourceDotGroup.slice(i + 1);
        const v = preferred(group);
        const e = catalog.all().find((x) => x.group === group && x.resource === resource && (x.version === v || !v));
        return e ? gvrOf(e) : undefined;
      },
    }),
    startHpaController(client, informers, {
      resolve(apiVersion, kind) {
        const { group, version } = splitApiVersion(apiVersion);
        const e = catalog.all().find((x) => x.group === group && x.kind === kind && x.version === version)
          ?? catalog.all().find((x) => x.group === group && x.kind === kind);
        return e ? gvrOf(e) : undefined;
      },
    }),
    startPodGcController(client, informers),
  ];
}
