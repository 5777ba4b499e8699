// ResourceQuota: a write that would push a namespace's usage past a quota's hard limits is refused. Usage is
// taken from each quota's status (kept by the quota controller); admitted writes are charged to status.used at
// once, as upstream does, so a burst of creations cannot slip past a quota before the controller recounts.
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { StatusError } from '../api/errors';
import { admissionForbidden } from './forbidden';
import { evaluatorFor, type QuotaEvaluator, type ScopeRequirement } from './quota-usage';
import { addLists, amount, mask, prettyPrint, removeZeros, subtractNonNegative, type ResourceList } from './resource-lists';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types';

/**
 * Writes a quota's status (PUT …/status) with the quota's resourceVersion as precondition; throws a 409
 * StatusError when the quota changed meanwhile.
 */
export type QuotaStatusWriter = (quota: KObject) => Promise<void>;

const CONFLICT_RETRIES = 5;

function scopeSelectors(q: KObject): ScopeRequirement[] {
  return [
    ...((q.spec?.scopes ?? []) as string[]).map((s) => ({ scopeName: s, operator: 'Exists' })),
    ...((q.spec?.scopeSelector?.matchExpressions ?? []) as ScopeRequirement[]),
  ];
}

function quotaMatches(ev: QuotaEvaluator, q: KObject, obj: KObject): boolean {
  if (!ev.matchingResources(Object.keys(q.status?.hard ?? {})).length) return false;
  return scopeSelectors(q).every((s) => ev.matchesScope(s, obj));
}

/** the quotas with their new usage, or a rejection; quotas that the write does not affect are left out */
function checkRequest(a: AdmissionAttributes, ev: QuotaEvaluator, quotas: KObject[]): KObject[] {
  const obj = a.object!;
  const interesting: KObject[] = [];
  for (const q of quotas) {
    if (!quotaMatches(ev, q, obj)) continue;
    const hard: ResourceList = q.status?.hard ?? {};
    const restricted = ev.matchingResources(Object.keys(hard));
    const problem = ev.constraints?.(restricted, obj);
    if (problem) throw admissionForbidden(a, `failed quota: ${q.metadata.name}: ${problem}`);
    const used: ResourceList = q.status?.used ?? {};
    if (restricted.some((r) => r in hard && !(r in used))) {
      throw admissionForbidden(a, `status unknown for quota: ${q.metadata.name}, resources: ${[...restricted].sort().join(',')}`);
    }
    interesting.push(q);
  }

  if (!interesting.length) return [];

  const input = ev.usage(obj);
  const negative = Object.keys(input).filter((k) => amount(input[k]).nano < 0n);
  if (negative.length) throw admissionForbidden(a, `quota usage is negative for resource(s): ${negative.sort().join(',')}`);

  const out: KObject[] = [];
  for (const q of interesting) {
    let delta = input;
    if (a.operation === 'UPDATE' && a.oldObject) {
      // an update is charged only for what it adds, and only if the old object was counted by this quota
      if (quotaMatches(ev, q, a.oldObject)) delta = subtractNonNegative(input, ev.usage(a.oldObject));
    }
    delta = removeZeros(delta);
    if (!Object.keys(delta).length) continue;
    const hard: ResourceList = q.status.hard;
    const requested = mask(delta, Object.keys(hard));
    const used: ResourceList = q.status.used ?? {};
    const newUsed = addLists(used, requested);
    const exceeded = Object.keys(requested).filter((k) => k in hard && amount(newUsed[k]).nano > amount(hard[k]).nano);
    if (exceeded.length) {
      throw admissionForbidden(
        a,
        `exceeded quota: ${q.metadata.name}, requested: ${prettyPrint(mask(requested, exceeded))}, used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`,
      );
    }
    if (!Object.keys(requested).length) continue;
    out.push({ ...q, status: { ...q.status, used: newUsed } });
  }
  return out;
}

export function resourceQuotaPlugin(opts: { writer?: QuotaStatusWriter } = {}): AdmissionPlugin {
  return {
    name: 'ResourceQuota',
    async validate(a: AdmissionAttributes, lookup: AdmissionLookup) {
      if (!a.namespace || !a.object || (a.subresource && a.subresource !== 'status')) return;
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
      const ev = evaluatorFor(a.gvr);
      if (!ev || !ev.handles(a.operation)) return;
      // status writes are charged but never refused (they only report what already happened)
      if (a.subresource === 'status') return;
      for (let attempt = 0; ; attempt++) {
        const quotas = lookup.list(R.resourcequotas, a.namespace);
        if (!quotas.length) return;
        const charged = checkRequest(a, ev, quotas);
        if (!charged.length || a.dryRun || !opts.writer) return;
        try {
          for (const q of charged) await opts.writer(q);
          return;
        } catch (err) {
          if (err instanceof StatusError && err.code === 409 && attempt < CONFLICT_RETRIES) continue;
          throw err;
        }
      }
    },
  };
}
