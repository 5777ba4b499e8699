// kube-aggregator's auto-registration: one "Local" APIService per group-version this server serves (spec.service
// unset, Available), the built-in ones at startup and custom resource groups as their CRDs come and go.
import type { Client } from '../client/types';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { StatusError } from '../api/errors';
import type { Catalog } from './catalog';
import { nowRfc3339 } from './meta';

const AUTOMANAGED = 'kube-aggregator.kubernetes.io/automanaged';

/** upstream's group and version priorities of the built-in group-versions (kube-apiserver's aggregator table) */
const PRIORITIES: Record<string, [number, number]> = {
  '/v1': [18000, 1],
  'apiregistration.k8s.io/v1': [18000, 15],
  'apps/v1': [17800, 15],
  'events.k8s.io/v1': [17750, 15],
  'authentication.k8s.io/v1': [17700, 15],
  'authorization.k8s.io/v1': [17600, 15],
  'autoscaling/v2': [17500, 30],
  'autoscaling/v1': [17500, 15],
  'batch/v1': [17400, 15],
  'certificates.k8s.io/v1': [17300, 15],
  'networking.k8s.io/v1': [17200, 15],
  'policy/v1': [17100, 15],
  'rbac.authorization.k8s.io/v1': [17000, 15],
  'storage.k8s.io/v1': [16800, 15],
  'apiextensions.k8s.io/v1': [16700, 15],
  'admissionregistration.k8s.io/v1': [16700, 15],
  'scheduling.k8s.io/v1': [16600, 15],
  'coordination.k8s.io/v1': [16500, 15],
  'node.k8s.io/v1': [16300, 15],
  'discovery.k8s.io/v1': [16200, 15],
  'flowcontrol.apiserver.k8s.io/v1': [16100, 21],
};
/** custom resource groups rank below every built-in one */
const CRD_PRIORITY: [number, number] = [1000, 100];

function localApiService(group: string, version: string, crd: boolean): KObject {
  const [groupPriorityMinimum, versionPriority] = crd ? CRD_PRIORITY : (PRIORITIES[`${group}/${version}`] ?? CRD_PRIORITY);
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `${version}.${group}`, labels: { [AUTOMANAGED]: crd ? 'true' : 'onstart' } },
    spec: { group, version, groupPriorityMinimum, versionPriority },
  } as KObject;
}

async function ensureOne(client: Client, desired: KObject): Promise<void> {
  let created: KObject;
  try {
    created = await client.create(R.apiservices, undefined, desired);
  } catch (err) {
    if (err instanceof StatusError && err.code === 409) return;
    throw err;
  }
  created.status = {
    conditions: [{ type: 'Available', status: 'True', lastTransitionTime: nowRfc3339(), reason: 'Local', message: 'Local APIServices are always available' }],
  };
  await client.updateStatus(R.apiservices, undefined, created);
}

export async function syncLocalApiServices(client: Client, catalog: Catalog): Promise<void> {
  const served = new Map<string, KObject>();
  for (const e of catalog.all()) {
    const o = localApiService(e.group, e.version, !!e.crd);
    if (!served.has(o.metadata.name!)) served.set(o.metadata.name!, o);
  }
  for (const o of served.values()) await ensureOne(client, o);
  const existing = await client.list(R.apiservices, undefined, { labelSelector: `${AUTOMANAGED}=true` });
  for (const o of existing.items) {
    if (served.has(o.metadata.name!)) continue;
    try {
      await client.delete(R.apiservices, undefined, o.metadata.name!);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
}

/** registers now and whenever the served group-versions change (CRDs) */
export async function startLocalApiServiceRegistration(client: Client, catalog: Catalog): Promise<void> {
  await syncLocalApiServices(client, catalog);
  let running = Promise.resolve();
  catalog.onChange(() => {
    running = running
      .then(() => syncLocalApiServices(client, catalog))
      .catch((err) => {
        process.stderr.write(`apiserver: local APIService registration: ${(err as Error).message}\n`);
      });
  });
}
