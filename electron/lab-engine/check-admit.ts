// The `admit` check: a dry-run create answers what admission (Pod Security, ValidatingAdmissionPolicies, webhooks)
// does with a request, without storing anything — so a lab grades the policy's effect, not how it is written.
import type { KubeClient } from './kube-client';
import type { AdmitCheck } from './types';

export async function checkAdmit(check: AdmitCheck, kube: KubeClient, namespace: string): Promise<{ ok: boolean; message: string }> {
  const o = check.object as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  const info = await kube.resource(o.apiVersion, o.kind);
  const ns = info.namespaced ? (o.metadata.namespace ?? namespace) : undefined;
  const obj = { ...o, metadata: { ...o.metadata, ...(ns ? { namespace: ns } : {}) } };
  const r = await kube.request('POST', `${await kube.objectPath(o.apiVersion, o.kind, ns)}?dryRun=All`, obj);
  const what = `creating ${o.kind} ${o.metadata.name}${ns ? ` in namespace ${ns}` : ''}`;
  const warned = r.warnings.length ? ` (warnings: ${r.warnings.join('; ')})` : '';
  if (r.status === 409) return { ok: false, message: `${what} could not be tried: ${o.kind} ${o.metadata.name} already exists` };
  const denial = r.status >= 400 ? String(r.body?.message ?? `HTTP ${r.status}`) : undefined;
  if (check.expect.allowed) {
    if (denial !== undefined) return { ok: false, message: `${what} was refused (${r.status}): ${denial}` };
    const want = check.expect.warning;
    if (want === false && r.warnings.length) return { ok: false, message: `${what} was allowed, but with a warning, and none should come${warned}` };
    if (typeof want === 'string' && !r.warnings.some((w) => new RegExp(want).test(w)))
      return { ok: false, message: `${what} was allowed without a warning matching /${want}/${warned}` };
    return { ok: true, message: `${what} was allowed${warned}` };
  }
  if (denial === undefined) return { ok: false, message: `${what} was allowed, but should be refused${warned}` };
  // admission says no with 403 (or 422 for a policy with reason Invalid); a 404 (no such namespace) is the setup's fault
  if (r.status !== 403 && r.status !== 422) return { ok: false, message: `${what} failed with HTTP ${r.status} before admission decided: ${denial}` };
  if (check.expect.message && !new RegExp(check.expect.message).test(denial))
    return { ok: false, message: `${what} was refused, but with "${denial}", which does not match /${check.expect.message}/` };
  return { ok: true, message: `${what} was refused: ${denial}` };
}
