// ServiceAccount: every pod runs as a ServiceAccount ("default" unless named), which must exist; its API credentials
// are mounted as the projected kube-api-access-xxxxx volume unless automounting is switched off.
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { generateNameSuffix } from '../apiserver/meta';
import { admissionForbidden } from './forbidden';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types';

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const VOLUME_PREFIX = 'kube-api-access-';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** a namespace this young may still be waiting for the serviceaccount controller to create its "default" account */
const YOUNG_NAMESPACE_MS = 30_000;
const WAIT_FOR_DEFAULT_MS = 3_000;

/** The projected volume upstream mounts: a bound token, the cluster CA bundle and the namespace name. */
export function apiAccessVolume(name: string): KObject['spec'] {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

async function findServiceAccount(lookup: AdmissionLookup, ns: string, name: string): Promise<KObject | undefined> {
  let sa = lookup.get(R.serviceaccounts, ns, name);
  if (sa || name !== 'default') return sa;
  // upstream's controller creates "default" within milliseconds of the namespace; here it runs through the same
  // API, so a pod created right after its namespace gets a short grace period instead of a spurious rejection
  const created = Date.parse(lookup.get(R.namespaces, undefined, ns)?.metadata.creationTimestamp ?? '');
  if (!(Date.now() - created < YOUNG_NAMESPACE_MS)) return undefined;
  const deadline = Date.now() + WAIT_FOR_DEFAULT_MS;
  while (!sa && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    sa = lookup.get(R.serviceaccounts, ns, name);
  }
  return sa;
}

function shouldAutomount(sa: KObject, spec: any): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof sa.automountServiceAccountToken === 'boolean') return sa.automountServiceAccountToken;
  return true;
}

function mountToken(spec: any): void {
  spec.volumes ??= [];
  const existing = (spec.volumes as any[]).find((v) => typeof v.name === 'string' && v.name.startsWith(VOLUME_PREFIX));
  const volumeName: string = existing?.name ?? VOLUME_PREFIX + generateNameSuffix();
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    // a container that already mounts something at the token path keeps its own mount
    if ((c.volumeMounts ?? []).some((m: any) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
    (c.volumeMounts ??= []).push({ name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH });
    needed = true;
  }
  if (needed && !existing) spec.volumes.push(apiAccessVolume(volumeName));
  if (!spec.volumes.length) delete spec.volumes;
}

async function admitPod(a: AdmissionAttributes, lookup: AdmissionLookup): Promise<void> {
  const pod = a.object!;
  const spec = (pod.spec ??= {});
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
  spec.serviceAccount = spec.serviceAccountName;
  const ns = a.namespace ?? '';
  const sa = await findServiceAccount(lookup, ns, spec.serviceAccountName);
  if (!sa) {
    throw admissionForbidden(a, `error looking up service account ${ns}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`);
  }
  if (shouldAutomount(sa, spec)) mountToken(spec);
  if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) {
    spec.imagePullSecrets = (sa.imagePullSecrets as { name: string }[]).map((s) => ({ name: s.name }));
  }
}

export const serviceAccount: AdmissionPlugin = {
  name: 'ServiceAccount',
  async mutate(a, lookup) {
    if (a.gvr.group !== '' || a.gvr.resource !== 'pods' || a.subresource || a.operation !== 'CREATE' || !a.object) return;
    await admitPod(a, lookup);
  },
};
