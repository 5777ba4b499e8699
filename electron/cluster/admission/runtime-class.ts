// RuntimeClass: a pod naming a RuntimeClass takes on its pod overhead and scheduling constraints (nodeSelector,
// tolerations); naming a class that does not exist is rejected.
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { admissionForbidden } from './forbidden';
import { cmp } from './resource-lists';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types';

function isPodCreate(a: AdmissionAttributes): boolean {
  return a.gvr.group === '' && a.gvr.resource === 'pods' && !a.subresource && a.operation === 'CREATE' && !!a.object;
}

function runtimeClassOf(a: AdmissionAttributes, lookup: AdmissionLookup): KObject | undefined {
  const name = a.object!.spec?.runtimeClassName;
  if (!name) return undefined;
  const rc = lookup.get(R.runtimeclasses, undefined, name);
  if (!rc) throw admissionForbidden(a, `pod rejected: RuntimeClass "${name}" not found`);
  return rc;
}

/** apiequality.Semantic.DeepEqual on ResourceLists: same keys, equal quantities however they are spelled */
function sameResources(x: Record<string, unknown> | undefined, y: Record<string, unknown> | undefined): boolean {
  const xk = Object.keys(x ?? {}),
    yk = Object.keys(y ?? {});
  if (xk.length !== yk.length) return false;
  return xk.every((k) => y && k in y && cmp(x![k], y[k]) === 0);
}

/** upstream's tolerations.MergeTolerations: add what is not already covered, dropping exact duplicates */
function covers(t: any, u: any): boolean {
  const allKeys = !t.key && t.operator === 'Exists';
  if (!allKeys && (t.key ?? '') !== (u.key ?? '')) return false;
  if (t.effect && t.effect !== (u.effect ?? '')) return false;
  if (t.operator !== 'Exists' && (u.operator === 'Exists' || (t.value ?? '') !== (u.value ?? ''))) return false;
  if (t.tolerationSeconds !== undefined && (u.tolerationSeconds === undefined || u.tolerationSeconds > t.tolerationSeconds)) return false;
  return true;
}
function mergeTolerations(have: any[], add: any[]): any[] {
  const out = [...have];
  for (const u of add) if (!out.some((t) => covers(t, u))) out.push(u);
  return out;
}

function setOverhead(a: AdmissionAttributes, rc: KObject): void {
  const fixed = rc.overhead?.podFixed;
  if (!fixed) return;
  const spec = a.object!.spec;
  if (spec.overhead && Object.keys(spec.overhead).length && !sameResources(spec.overhead, fixed)) {
    throw admissionForbidden(a, `pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead`);
  }
  spec.overhead = { ...fixed };
}

function setScheduling(a: AdmissionAttributes, rc: KObject): void {
  const sched = rc.scheduling;
  if (!sched) return;
  const spec = a.object!.spec;
  const selector: Record<string, string> = spec.nodeSelector ?? {};
  for (const [k, v] of Object.entries((sched.nodeSelector ?? {}) as Record<string, string>)) {
    if (k in selector && selector[k] !== v) {
      throw admissionForbidden(a, `conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${v}; pod.spec.nodeSelector[${k}] = ${selector[k]}`);
    }
    selector[k] = v;
  }
  if (Object.keys(selector).length) spec.nodeSelector = selector;
  if (sched.tolerations?.length) spec.tolerations = mergeTolerations(spec.tolerations ?? [], structuredClone(sched.tolerations));
}

export const runtimeClass: AdmissionPlugin = {
  name: 'RuntimeClass',
  mutate(a, lookup) {
    if (!isPodCreate(a)) return;
    a.object!.spec ??= {};
    const rc = runtimeClassOf(a, lookup);
    if (!rc) return;
    setOverhead(a, rc);
    setScheduling(a, rc);
  },
  validate(a, lookup) {
    if (!isPodCreate(a)) return;
    const spec = a.object!.spec ?? {};
    const rc = runtimeClassOf(a, lookup);
    const fixed = rc?.overhead?.podFixed;
    if (fixed) {
      if (!sameResources(spec.overhead, fixed)) throw admissionForbidden(a, `pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead`);
    } else if (spec.overhead) {
      throw admissionForbidden(a, 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
    }
  },
};
