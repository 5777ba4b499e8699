// The admission chain, in upstream's order (kube-apiserver's default-enabled plugins that matter here).
import type { AdmissionPlugin } from './types';
import { namespaceLifecycle } from './namespace-lifecycle';
import { limitRanger } from './limit-ranger';
import { serviceAccount } from './service-account';
import { priority } from './priority';
import { nodeRestriction } from './node-restriction';
import { defaultTolerationSeconds } from './default-toleration-seconds';
import { defaultStorageClassPlugin } from './default-storage-class';
import { defaultIngressClassPlugin } from './default-ingress-class';
import { storageObjectInUseProtection } from './storage-object-in-use-protection';
import { persistentVolumeClaimResize } from './persistent-volume-claim-resize';
import { snapshotValidation } from './snapshot-validation';
import { runtimeClass } from './runtime-class';
import { resourceQuotaPlugin, type QuotaStatusWriter } from './resource-quota';
import { rbacEscalation, type EscalationDeps } from './rbac-escalation';
import { certificatePlugins } from './certificates';
import { podSecurityPlugin } from './pod-security';
import { validatingAdmissionPolicyPlugin, type ResolveKind } from './validating-policy';
import type { PodSecurityConfig } from './pod-security/config';
import { webhookPlugin, type WebhookDeps } from './webhooks';

export interface AdmissionDeps {
  /** lets ResourceQuota charge admitted usage to quota status at once (see registryQuotaWriter); without it quotas are still enforced */
  quotaWriter?: QuotaStatusWriter;
  /** RBAC's escalation check on role and binding writes (left out when the server runs without RBAC, e.g. in unit tests) */
  rbac?: EscalationDeps;
  /** Pod Security defaults and exemptions (upstream's PodSecurityConfiguration) */
  podSecurity?: PodSecurityConfig;
  /** the served kinds, for ValidatingAdmissionPolicy's paramKind (without it, policies with params fail to configure) */
  resolveKind?: ResolveKind;
  /** how admission webhooks are reached (left out in unit tests: no webhook is called) */
  webhooks?: WebhookDeps;
}

export function admissionPlugins(deps: AdmissionDeps = {}): AdmissionPlugin[] {
  return [
    namespaceLifecycle,
    limitRanger,
    serviceAccount,
    nodeRestriction,
    priority,
    podSecurityPlugin(deps.podSecurity),
    defaultTolerationSeconds,
    defaultStorageClassPlugin,
    defaultIngressClassPlugin,
    storageObjectInUseProtection,
    persistentVolumeClaimResize,
    snapshotValidation,
    runtimeClass,
    resourceQuotaPlugin({ writer: deps.quotaWriter }),
    validatingAdmissionPolicyPlugin(deps.resolveKind, deps.rbac?.authorizer),
    // MutatingAdmissionWebhook runs after the built-in mutating plugins, ValidatingAdmissionWebhook after the policies
    ...(deps.webhooks ? [webhookPlugin({ ...deps.webhooks, authorizer: deps.webhooks.authorizer ?? deps.rbac?.authorizer })] : []),
    ...(deps.rbac ? [rbacEscalation(deps.rbac), certificatePlugins(deps.rbac.authorizer)] : []),
  ];
}

export { registryQuotaWriter } from './quota-status-writer';
export type { QuotaStatusWriter } from './resource-quota';
