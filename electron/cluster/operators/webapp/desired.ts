// What the sample WebApp operator wants the cluster to hold for one WebApp (demo.kubelab.io/v1): a Deployment
// running hashicorp/http-echo with the WebApp's message on its port, and a ClusterIP Service in front of it, both
// named after the WebApp and controlled by it (ownerReferences, so deleting the WebApp collects them). Kept pure
// so the reconciler (program.ts) only compares and writes.
import type { Deployment } from 'kubernetes-types/apps/v1';
import type { Service } from 'kubernetes-types/core/v1';
import type { Condition, OwnerReference } from 'kubernetes-types/meta/v1';
import type { GVR, KObject } from '../../api/types';

export const WEBAPP_GROUP = 'demo.kubelab.io';
export const WEBAPP_VERSION = 'v1';
export const WEBAPPS: GVR = { group: WEBAPP_GROUP, version: WEBAPP_VERSION, resource: 'webapps' };
export const MANAGED_BY = 'webapp-operator';
const DEFAULT_IMAGE = 'hashicorp/http-echo:1.0.0';

export interface WebAppSpec {
  replicas?: number;
  image?: string;
  port?: number;
  message?: string;
}
export interface WebAppStatus {
  observedGeneration?: number;
  readyReplicas?: number;
  conditions?: Condition[];
}
export type WebApp = KObject & { spec?: WebAppSpec; status?: WebAppStatus };

/** the values the children are built from, with the operator's own defaults where the CRD gives none */
function settings(app: WebApp) {
  const s = app.spec ?? {};
  return { replicas: s.replicas ?? 1, image: s.image || DEFAULT_IMAGE, port: s.port ?? 5678, message: s.message ?? 'hello from WebApp' };
}

export function labelsFor(app: WebApp): Record<string, string> {
  return { 'app.kubernetes.io/name': app.metadata.name!, 'app.kubernetes.io/managed-by': MANAGED_BY };
}

export function ownerRef(app: WebApp): OwnerReference {
  return {
    apiVersion: `${WEBAPP_GROUP}/${WEBAPP_VERSION}`,
    kind: 'WebApp',
    name: app.metadata.name!,
    uid: app.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function desiredDeployment(app: WebApp): Deployment & KObject {
  const v = settings(app);
  const labels = labelsFor(app);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app.metadata.name, namespace: app.metadata.namespace, labels, ownerReferences: [ownerRef(app)] },
    spec: {
      replicas: v.replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': app.metadata.name! } },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'web', image: v.image, args: [`-text=${v.message}`, `-listen=:${v.port}`], ports: [{ name: 'http', containerPort: v.port }] }],
        },
      },
    },
  } as Deployment & KObject;
}

export function desiredService(app: WebApp): Service & KObject {
  const v = settings(app);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app.metadata.name, namespace: app.metadata.namespace, labels: labelsFor(app), ownerReferences: [ownerRef(app)] },
    spec: { selector: { 'app.kubernetes.io/name': app.metadata.name! }, ports: [{ name: 'http', port: v.port, targetPort: v.port as never, protocol: 'TCP' }] },
  } as Service & KObject;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** the live Deployment brought to the wanted one (the fields the operator owns), or undefined when it already is */
export function deploymentUpdate(live: Deployment & KObject, want: Deployment & KObject): (Deployment & KObject) | undefined {
  const c = live.spec?.template?.spec?.containers?.[0];
  const w = want.spec!.template.spec!.containers[0];
  if (
    live.spec?.replicas === want.spec!.replicas &&
    c?.image === w.image &&
    same(c?.args, w.args) &&
    same(
      c?.ports?.map((p) => p.containerPort),
      [w.ports![0].containerPort],
    )
  )
    return undefined;
  const next = structuredClone(live);
  next.spec!.replicas = want.spec!.replicas;
  next.spec!.template.spec!.containers = [{ ...(c ?? {}), ...w }];
  return next;
}

export function serviceUpdate(live: Service & KObject, want: Service & KObject): (Service & KObject) | undefined {
  const p = live.spec?.ports?.[0];
  const w = want.spec!.ports![0];
  if (live.spec?.ports?.length === 1 && p?.port === w.port && String(p?.targetPort) === String(w.targetPort) && same(live.spec?.selector, want.spec!.selector))
    return undefined;
  const next = structuredClone(live);
  next.spec!.selector = want.spec!.selector;
  next.spec!.ports = [{ ...w, nodePort: undefined }];
  return next;
}

/** controlled by this WebApp (its uid), as controller-runtime's owner checks go */
export function isControlledBy(obj: KObject, app: WebApp): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === app.metadata.uid);
}

/** the Ready condition the status reports: the error, the rollout still going, or every replica ready */
export function readyCondition(app: WebApp, dep: Deployment | undefined, error: string | undefined, now: string): Condition {
  const want = settings(app).replicas;
  const ready = dep?.status?.readyReplicas ?? 0;
  const [status, reason, message] = error
    ? ['False', 'ReconcileError', error]
    : ready >= want && (dep?.status?.updatedReplicas ?? 0) >= want
      ? ['True', 'Available', `${ready}/${want} replicas ready`]
      : ['False', 'Progressing', `${ready}/${want} replicas ready`];
  const old = (app.status?.conditions ?? []).find((c) => c.type === 'Ready');
  return {
    type: 'Ready',
    status,
    reason,
    message,
    observedGeneration: app.metadata.generation,
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
  };
}
