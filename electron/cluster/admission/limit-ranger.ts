// LimitRanger: a namespace's LimitRanges fill in container requests/limits that were left out (recording what
// they set in an annotation) and reject pods and claims outside their min/max/ratio bounds.
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { podQOSClass } from '../api/kinds/core/qos';
import { amount, canonical, type ResourceList } from './resource-lists';
import { podLimits, podRequests } from './pod-resources';
import { admissionForbidden, aggregateMessage } from './forbidden';
import type { AdmissionAttributes, AdmissionPlugin } from './types';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

function applies(a: AdmissionAttributes): 'pods' | 'persistentvolumeclaims' | undefined {
  if (a.gvr.group !== '' || a.subresource || !a.object) return undefined;
  // containers are immutable after creation, so pods are only checked when created; claims also when resized
  if (a.gvr.resource === 'pods' && a.operation === 'CREATE') return 'pods';
  if (a.gvr.resource === 'persistentvolumeclaims' && (a.operation === 'CREATE' || a.operation === 'UPDATE')) return 'persistentvolumeclaims';
  return undefined;
}

/** the Container defaults a LimitRange implies (its own API defaulting: default ← max, defaultRequest ← default ← min) */
function containerDefaults(lr: KObject): { limits: ResourceList; requests: ResourceList } {
  let limits: ResourceList = {},
    requests: ResourceList = {};
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    const def: ResourceList = { ...(item.max ?? {}), ...(item.default ?? {}) };
    const req: ResourceList = { ...(item.min ?? {}), ...def, ...(item.defaultRequest ?? {}) };
    limits = def;
    requests = req;
  }
  return { limits, requests };
}

function mergeContainer(c: any, defaults: { limits: ResourceList; requests: ResourceList }, what: string, notes: string[]): void {
  const res = (c.resources ??= {});
  const setLimits: string[] = [],
    setRequests: string[] = [];
  for (const [k, v] of Object.entries(defaults.limits)) {
    if (res.limits && k in res.limits) continue;
    (res.limits ??= {})[k] = v;
    setLimits.push(k);
  }
  for (const [k, v] of Object.entries(defaults.requests)) {
    if (res.requests && k in res.requests) continue;
    (res.requests ??= {})[k] = v;
    setRequests.push(k);
  }
  if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${what} ${c.name}`);
  if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${what} ${c.name}`);
}

function mutatePod(pod: KObject, ranges: KObject[]): void {
  const spec = (pod.spec ??= {});
  for (const lr of ranges) {
    const defaults = containerDefaults(lr);
    const notes: string[] = [];
    for (const c of spec.containers ?? []) mergeContainer(c, defaults, 'container', notes);
    for (const c of spec.initContainers ?? []) mergeContainer(c, defaults, 'init container', notes);
    if (notes.length) (pod.metadata.annotations ??= {})[LIMIT_RANGER_ANNOTATION] = 'LimitRanger plugin set: ' + notes.join('; ');
  }
  // the QoS class was derived before admission filled in resources; it must describe what the pod will run with
  if (pod.status?.qosClass) pod.status.qosClass = podQOSClass(spec);
}

// ---------- bounds ----------
const hasKey = (l: ResourceList | undefined, k: string) => !!l && k in l;

function minConstraint(type: string, k: string, enforced: string, req: ResourceList | undefined, lim: ResourceList | undefined): string | undefined {
  const e = amount(enforced).nano;
  if (!hasKey(req, k)) return `minimum ${k} usage per ${type} is ${canonical(enforced)}.  No request is specified`;
  if (amount(req![k]).nano < e) return `minimum ${k} usage per ${type} is ${canonical(enforced)}, but request is ${canonical(req![k])}`;
  if (hasKey(lim, k) && amount(lim![k]).nano < e) return `minimum ${k} usage per ${type} is ${canonical(enforced)}, but limit is ${canonical(lim![k])}`;
  return undefined;
}

function maxConstraint(type: string, k: string, enforced: string, req: ResourceList | undefined, lim: ResourceList | undefined): string | undefined {
  const e = amount(enforced).nano;
  if (!hasKey(lim, k)) return `maximum ${k} usage per ${type} is ${canonical(enforced)}.  No limit is specified`;
  if (amount(lim![k]).nano > e) return `maximum ${k} usage per ${type} is ${canonical(enforced)}, but limit is ${canonical(lim![k])}`;
  if (hasKey(req, k) && amount(req![k]).nano > e) return `maximum ${k} usage per ${type} is ${canonical(enforced)}, but request is ${canonical(req![k])}`;
  return undefined;
}

/** for claims, where only requests are user input */
function maxRequestConstraint(type: string, k: string, enforced: string, req: ResourceList | undefined): string | undefined {
  if (!hasKey(req, k)) return `maximum ${k} usage per ${type} is ${canonical(enforced)}.  No request is specified`;
  if (amount(req![k]).nano > amount(enforced).nano) return `maximum ${k} usage per ${type} is ${canonical(enforced)}, but request is ${canonical(req![k])}`;
  return undefined;
}

function ratioConstraint(type: string, k: string, enforced: string, req: ResourceList | undefined, lim: ResourceList | undefined): string | undefined {
  const r = hasKey(req, k) ? amount(req![k]).nano : 0n;
  const l = hasKey(lim, k) ? amount(lim![k]).nano : 0n;
  if (r === 0n) return `${k} max limit to request ratio per ${type} is ${canonical(enforced)}, but no request is specified or request is 0`;
  if (l === 0n) return `${k} max limit to request ratio per ${type} is ${canonical(enforced)}, but no limit is specified or limit is 0`;
  const observed = Number(l) / Number(r);
  if (observed > Number(amount(enforced).nano) / 1e9) {
    return `${k} max limit to request ratio per ${type} is ${canonical(enforced)}, but provided ratio is ${observed.toFixed(6)}`;
  }
  return undefined;
}

function checkBounds(item: any, type: string, req: ResourceList | undefined, lim: ResourceList | undefined, out: string[]): void {
  const push = (m: string | undefined) => {
    if (m) out.push(m);
  };
  for (const k of Object.keys(item.min ?? {}).sort()) push(minConstraint(type, k, item.min[k], req, lim));
  for (const k of Object.keys(item.max ?? {}).sort()) push(maxConstraint(type, k, item.max[k], req, lim));
  for (const k of Object.keys(item.maxLimitRequestRatio ?? {}).sort()) push(ratioConstraint(type, k, item.maxLimitRequestRatio[k], req, lim));
}

function podViolations(lr: KObject, spec: any): string[] {
  const out: string[] = [];
  for (const item of lr.spec?.limits ?? []) {
    if (item.type === 'Container') {
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])])
        checkBounds(item, 'Container', c.resources?.requests, c.resources?.limits, out);
    } else if (item.type === 'Pod') {
      checkBounds(item, 'Pod', podRequests(spec), podLimits(spec), out);
    }
  }
  return out;
}

function claimViolations(lr: KObject, spec: any): string[] {
  const out: string[] = [];
  const req: ResourceList | undefined = spec.resources?.requests;
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const k of Object.keys(item.min ?? {}).sort()) {
      const m = minConstraint('PersistentVolumeClaim', k, item.min[k], req, {});
      if (m) out.push(m);
    }
    for (const k of Object.keys(item.max ?? {}).sort()) {
      const m = maxRequestConstraint('PersistentVolumeClaim', k, item.max[k], req);
      if (m) out.push(m);
    }
  }
  return out;
}

function rangesOf(a: AdmissionAttributes, list: (ns: string) => KObject[]): KObject[] {
  if (a.object!.metadata.deletionTimestamp) return [];
  return list(a.namespace ?? '').sort((x, y) => (x.metadata.name ?? '').localeCompare(y.metadata.name ?? ''));
}

export const limitRanger: AdmissionPlugin = {
  name: 'LimitRanger',
  mutate(a, lookup) {
    if (applies(a) !== 'pods') return;
    const ranges = rangesOf(a, (ns) => lookup.list(R.limitranges, ns));
    if (ranges.length) mutatePod(a.object!, ranges);
  },
  validate(a, lookup) {
    const kind = applies(a);
    if (!kind) return;
    for (const lr of rangesOf(a, (ns) => lookup.list(R.limitranges, ns))) {
      const errs = kind === 'pods' ? podViolations(lr, a.object!.spec ?? {}) : claimViolations(lr, a.object!.spec ?? {});
      if (errs.length) throw admissionForbidden(a, aggregateMessage(errs));
    }
  },
};
