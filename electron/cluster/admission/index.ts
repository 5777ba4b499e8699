// The admission chain, in upstream's order (kube-apiserver's default-enabled plugins that matter here).
import type { AdmissionPlugin } from './types';
import { namespaceLifecycle } from './namespace-lifecycle';
import { limitRanger } from './limit-ranger';
import { serviceAccount } from './service-account';
import { priority } from './priority';
import { defaultTolerationSeconds } from './default-toleration-seconds';
import { defaultStorageClassPlugin } from './default-storage-class';
import { runtimeClass } from './runtime-class';
import { resourceQuotaPlugin, type QuotaStatusWriter } from './resource-quota';

export interface AdmissionDeps {
  /** lets ResourceQuota charge admitted usage to quota status at once (see registryQuotaWriter); without it quotas are still enforced */
  quotaWriter?: QuotaStatusWriter;
}

export function admissionPlugins(deps: AdmissionDeps = {}): AdmissionPlugin[] {
  return [
    namespaceLifecycle,
    limitRanger,
    serviceAccount,
    priority,
    defaultTolerationSeconds,
    defaultStorageClassPlugin,
    runtimeClass,
    resourceQuotaPlugin({ writer: deps.quotaWriter }),
  ];
}

export { registryQuotaWriter } from './quota-status-writer';
export type { QuotaStatusWriter } from './resource-quota';
