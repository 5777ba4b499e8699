// How the ResourceQuota plugin charges admitted usage: a status write through the registry, guarded by the
// quota's resourceVersion so a concurrent recount by the quota controller makes the plugin re-check.
import type { Registry } from '../apiserver/registry';
import type { Catalog } from '../apiserver/catalog';
import { errInternal } from '../api/errors';
import type { QuotaStatusWriter } from './resource-quota';

const APISERVER = { name: 'system:apiserver', groups: ['system:masters'] };

export function registryQuotaWriter(registry: () => Registry, catalog: Catalog): QuotaStatusWriter {
  return async (quota) => {
    const entry = catalog.get('', 'v1', 'resourcequotas');
    if (!entry) throw errInternal('resourcequotas are not served');
    await registry().update(entry, quota.metadata.namespace, quota.metadata.name!, quota, {
      user: APISERVER,
      dryRun: false,
      subresource: 'status',
      internal: true,
    });
  };
}
