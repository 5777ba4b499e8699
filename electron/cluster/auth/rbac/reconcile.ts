// Reconciles the bootstrap policy at start as kube-apiserver's rbac/bootstrap-roles post-start hook does: missing
// roles and bindings are created; existing ones annotated autoupdate=true get the bootstrap rules and subjects they
// lack (extra rules and subjects stay); autoupdate=false leaves an object alone.
import type { ClusterRole, PolicyRule, Subject } from 'kubernetes-types/rbac/v1';
import type { Client } from '../../client/types';
import type { GVR, KObject } from '../../api/types';
import { R } from '../../client/resources';
import { isStatus } from '../../client/errors';
import { AUTOUPDATE, CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS, NAMESPACE_ROLES, NAMESPACE_ROLE_BINDINGS } from './bootstrap-policy';
import { uncoveredRules } from './rules';
import { CONTROLLER_ROLES, CONTROLLER_ROLE_BINDINGS } from './controller-policy';

const sameSubject = (a: Subject, b: Subject) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

function merged(cur: KObject, want: KObject): KObject | undefined {
  let changed = false;
  const out: KObject = { ...cur };
  if ('rules' in want || 'rules' in cur) {
    const rules: PolicyRule[] = [...(cur.rules ?? [])];
    // an aggregated role's rules belong to the aggregation controller
    if (!(want as ClusterRole).aggregationRule) {
      for (const r of (want.rules ?? []) as PolicyRule[])
        if (uncoveredRules(rules, [r]).length) {
          rules.push(r);
          changed = true;
        }
    }
    out.rules = rules;
  }
  if ((want as ClusterRole).aggregationRule && JSON.stringify(cur.aggregationRule) !== JSON.stringify((want as ClusterRole).aggregationRule)) {
    out.aggregationRule = (want as ClusterRole).aggregationRule;
    changed = true;
  }
  if (want.subjects) {
    const subjects: Subject[] = [...(cur.subjects ?? [])];
    for (const s of want.subjects as Subject[])
      if (!subjects.some((x) => sameSubject(x, s))) {
        subjects.push(s);
        changed = true;
      }
    out.subjects = subjects;
  }
  const labels = { ...(cur.metadata.labels ?? {}) };
  for (const [k, v] of Object.entries(want.metadata.labels ?? {}))
    if (labels[k] !== v) {
      labels[k] = v;
      changed = true;
    }
  out.metadata = { ...cur.metadata, labels };
  return changed ? out : undefined;
}

async function reconcileOne(client: Client, r: GVR, want: KObject): Promise<void> {
  const ns = want.metadata.namespace;
  let cur: KObject;
  try {
    cur = await client.get(r, ns, want.metadata.name!);
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
    try {
      await client.create(r, ns, want);
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
    }
    return;
  }
  if (cur.metadata.annotations?.[AUTOUPDATE] === 'false') return;
  const next = merged(cur, want);
  if (next) await client.update(r, ns, next);
}

export async function reconcileBootstrapPolicy(client: Client): Promise<void> {
  for (const o of [...CLUSTER_ROLES, ...CONTROLLER_ROLES]) await reconcileOne(client, R.clusterroles, o as KObject);
  for (const o of [...CLUSTER_ROLE_BINDINGS, ...CONTROLLER_ROLE_BINDINGS]) await reconcileOne(client, R.clusterrolebindings, o as KObject);
  for (const o of NAMESPACE_ROLES) await reconcileOne(client, R.roles, o as KObject);
  for (const o of NAMESPACE_ROLE_BINDINGS) await reconcileOne(client, R.rolebindings, o as KObject);
}
