// pods/{name}/eviction (policy/v1 Eviction): a deletion that respects PodDisruptionBudgets, as upstream's
// EvictionREST. `kubectl drain` evicts through it and retries while a budget answers 429.
import { StatusError, errBadRequest, errInternal, statusError } from '../../api/errors';
import type { KObject } from '../../api/types';
import { labelSelectorMatcher } from '../../api/selectors';
import type { Pki } from '../../auth/pki';
import { R } from '../../client/resources';
import type { ApiServer, SpecialHandler } from '../handler';
import type { Catalog, ResourceEntry } from '../catalog';
import type { DeleteOptions, Registry, WriteContext } from '../registry';
import { nowRfc3339 } from '../meta';
import { tokenRequestHandler } from './serviceaccount-token';

const CONFLICT_RETRIES = 10;
/** upstream refuses to track more unconfirmed evictions than this per budget */
const MAX_DISRUPTED_PODS = 2000;
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

function tooManyRequests(cause: string): StatusError {
  return statusError(429, 'TooManyRequests', VIOLATION, { causes: [{ reason: 'DisruptionBudget', message: cause }] });
}

function isReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** pods whose removal cannot disrupt anything a budget protects */
function ignoresBudgets(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

function setDisruptionAllowedCondition(pdb: KObject, now: string): void {
  const allowed = (pdb.status.disruptionsAllowed ?? 0) > 0;
  const want = {
    type: 'DisruptionAllowed',
    status: allowed ? 'True' : 'False',
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
    observedGeneration: pdb.status.observedGeneration ?? 0,
  };
  const conds: any[] = pdb.status.conditions ?? [];
  const i = conds.findIndex((c) => c.type === want.type);
  if (i < 0) conds.push({ ...want, lastTransitionTime: now });
  else conds[i] = { ...conds[i], ...want, lastTransitionTime: conds[i].status === want.status ? conds[i].lastTransitionTime : now };
  pdb.status.conditions = conds;
}

interface EvictionContext {
  registry: Registry;
  pods: ResourceEntry;
  pdbs: ResourceEntry;
  ns: string;
  name: string;
  ctx: WriteContext;
  deleteOptions: DeleteOptions;
}

/** marks the pod as being disrupted (DisruptionTarget condition) so its controller and owners can tell why it went */
async function markDisruptionTarget(e: EvictionContext): Promise<void> {
  if (e.ctx.dryRun) return;
  await e.registry.update(
    e.pods,
    e.ns,
    e.name,
    (pod) => {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') return pod;
      const conds: any[] = (pod.status ??= {}).conditions ?? [];
      const want = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
      const i = conds.findIndex((c) => c.type === want.type);
      const c = { ...want, lastProbeTime: null, lastTransitionTime: i >= 0 && conds[i].status === 'True' ? conds[i].lastTransitionTime : nowRfc3339() };
      if (i >= 0) conds[i] = c;
      else conds.push(c);
      pod.status.conditions = conds;
      return pod;
    },
    { ...e.ctx, subresource: 'status', internal: true },
  );
}

async function deletePod(e: EvictionContext, pod: KObject): Promise<void> {
  if (!pod.metadata.deletionTimestamp) await markDisruptionTarget(e);
  await e.registry.delete(e.pods, e.ns, e.name, e.deleteOptions, e.ctx);
}

/** charges one disruption to the budget (status write guarded by resourceVersion); false on a write conflict */
async function takeDisruption(e: EvictionContext, pdb: KObject): Promise<boolean> {
  const st = pdb.status ?? {};
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
    throw tooManyRequests(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
  }
  const allowed: number = st.disruptionsAllowed ?? 0;
  if (allowed < 0)
    throw statusError(403, 'Forbidden', `poddisruptionbudgets.policy "${pdb.metadata.name}" is forbidden: pdb disruptions allowed is negative`, {
      name: pdb.metadata.name,
      group: 'policy',
      kind: 'poddisruptionbudgets',
    });
  if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
    throw statusError(
      403,
      'Forbidden',
      `poddisruptionbudgets.policy "${pdb.metadata.name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`,
      { name: pdb.metadata.name, group: 'policy', kind: 'poddisruptionbudgets' },
    );
  }
  if (allowed === 0) {
    throw tooManyRequests(
      `The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`,
    );
  }
  if (e.ctx.dryRun) return true;
  const now = nowRfc3339();
  const next: KObject = { ...pdb, status: { ...st, disruptionsAllowed: allowed - 1, disruptedPods: { ...(st.disruptedPods ?? {}), [e.name]: now } } };
  setDisruptionAllowedCondition(next, now);
  try {
    await e.registry.update(e.pdbs, e.ns, pdb.metadata.name!, next, { ...e.ctx, subresource: 'status', internal: true });
    return true;
  } catch (err) {
    if (err instanceof StatusError && err.code === 409) return false;
    throw err;
  }
}

async function evict(e: EvictionContext): Promise<void> {
  for (let attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
    const pod = e.registry.get(e.pods, e.ns, e.name);
    if (ignoresBudgets(pod)) return deletePod(e, pod);
    const labels = pod.metadata.labels;
    const budgets = e.registry.list(e.pdbs, e.ns, {}).items.filter((p) => labelSelectorMatcher(p.spec?.selector)(labels));
    if (budgets.length > 1) throw errInternal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    if (!budgets.length) return deletePod(e, pod);
    const pdb = budgets[0];
    if (!isReady(pod)) {
      // an unready pod is not counted as healthy, so removing it costs nothing while the budget is met
      const st = pdb.status ?? {};
      const alwaysAllow = pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow';
      if (alwaysAllow || ((st.desiredHealthy ?? 0) > 0 && (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0))) {
        return deletePod(e, pod);
      }
    }
    if (await takeDisruption(e, pdb)) return deletePod(e, pod);
  }
  throw statusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on poddisruptionbudgets.policy: the object has been modified; please apply your changes to the latest version and try again`,
  );
}

export const evictionHandler: SpecialHandler = async ({ req, info, entry, server }) => {
  if (info.verb !== 'create') throw statusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const body = server.decodeAny(req);
  if (body.kind !== undefined && body.kind !== 'Eviction')
    throw errBadRequest(`the kind in the data (${body.kind}) does not match the expected kind (Eviction)`);
  if (body.metadata?.name && body.metadata.name !== info.name) throw errBadRequest('name in URL does not match name in Eviction object');
  const pdbs = server.catalog.get(R.poddisruptionbudgets.group, R.poddisruptionbudgets.version, R.poddisruptionbudgets.resource);
  if (!pdbs) throw errInternal('poddisruptionbudgets are not served');
  const ctx = server.writeCtx(req, entry);
  const d = body.deleteOptions ?? {};
  if (Array.isArray(d.dryRun) && d.dryRun.includes('All')) ctx.dryRun = true;
  const deleteOptions: DeleteOptions = {};
  if (typeof d.gracePeriodSeconds === 'number') deleteOptions.gracePeriodSeconds = d.gracePeriodSeconds;
  if (d.preconditions) deleteOptions.preconditions = d.preconditions;
  if (d.propagationPolicy) deleteOptions.propagationPolicy = d.propagationPolicy;
  await evict({ registry: server.registry, pods: entry, pdbs, ns: info.namespace!, name: info.name!, ctx, deleteOptions });
  return { kind: 'json', status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
};

/** registers pods/eviction and serviceaccounts/token on the API server */
export function registerEvictionAndTokenHandlers(api: ApiServer, deps: { pki: Pki; registry: Registry; catalog: Catalog }): void {
  api.registerSpecial('', 'pods', 'eviction', evictionHandler);
  api.registerSpecial('', 'serviceaccounts', 'token', tokenRequestHandler(deps.pki));
}
