// LimitRanges: container defaults derived from max/default, and min <= default <= max checks.
import { type FieldError, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import { compareQuantities, canonicalQuantity } from '../../quantity';
import { validateResourceName, validateResourceQuantityValue } from '../../validation/resources';
import { col, nameColumn } from './format';

const LIMIT_TYPES = ['Container', 'PersistentVolumeClaim', 'Pod'];

export function defaultLimitRangeItem(item: any): void {
  if (item.type !== 'Container') return;
  const def: Record<string, unknown> = { ...(item.default ?? {}) };
  const defReq: Record<string, unknown> = { ...(item.defaultRequest ?? {}) };
  // A max with no default limit becomes the default limit; requests then follow the limit, or the min.
  for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in def)) def[k] = v;
  for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
  for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in defReq)) defReq[k] = v;
  if (Object.keys(def).length) item.default = def;
  if (Object.keys(defReq).length) item.defaultRequest = defReq;
}

const cmp = (a: unknown, b: unknown): number => {
  try {
    return compareQuantities(a as string, b as string);
  } catch {
    return 0;
  }
};
const show = (v: unknown) => {
  try {
    return canonicalQuantity(v as string);
  } catch {
    return String(v);
  }
};

function validateItems(items: any[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((it, i) => {
    const p = `spec.limits[${i}]`;
    if (!it.type) errs.push(required(`${p}.type`));
    else if (!LIMIT_TYPES.includes(it.type)) errs.push(notSupported(`${p}.type`, it.type, LIMIT_TYPES));
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
      for (const [k, v] of Object.entries(it[f] ?? {}))
        errs.push(...validateResourceName(k, `${p}.${f}[${k}]`), ...validateResourceQuantityValue(k, v, `${p}.${f}[${k}]`));
    }
    if (it.type === 'Pod' && (it.default || it.defaultRequest)) {
      if (it.default) errs.push(invalid(`${p}.default`, it.default, "may not be specified when `type` is 'Pod'"));
      if (it.defaultRequest) errs.push(invalid(`${p}.defaultRequest`, it.defaultRequest, "may not be specified when `type` is 'Pod'"));
    }
    const min = it.min ?? {};
    const max = it.max ?? {};
    const def = it.default ?? {};
    const defReq = it.defaultRequest ?? {};
    for (const k of Object.keys(min)) {
      if (k in max && cmp(min[k], max[k]) > 0)
        errs.push(invalid(`${p}.min[${k}]`, show(min[k]), `min value ${show(min[k])} is greater than max value ${show(max[k])}`));
    }
    for (const k of Object.keys(defReq)) {
      if (k in max && cmp(defReq[k], max[k]) > 0)
        errs.push(invalid(`${p}.defaultRequest[${k}]`, show(defReq[k]), `default request value ${show(defReq[k])} is greater than max value ${show(max[k])}`));
      if (k in min && cmp(min[k], defReq[k]) > 0)
        errs.push(invalid(`${p}.defaultRequest[${k}]`, show(defReq[k]), `min value ${show(min[k])} is greater than default request value ${show(defReq[k])}`));
      if (k in def && cmp(defReq[k], def[k]) > 0)
        errs.push(
          invalid(`${p}.defaultRequest[${k}]`, show(defReq[k]), `default request value ${show(defReq[k])} is greater than default limit value ${show(def[k])}`),
        );
    }
    for (const k of Object.keys(def)) {
      if (k in max && cmp(def[k], max[k]) > 0)
        errs.push(invalid(`${p}.default[${k}]`, show(def[k]), `default value ${show(def[k])} is greater than max value ${show(max[k])}`));
      if (k in min && cmp(min[k], def[k]) > 0)
        errs.push(invalid(`${p}.default[${k}]`, show(def[k]), `min value ${show(min[k])} is greater than default value ${show(def[k])}`));
    }
  });
  return errs;
}

export const limitranges: KindStrategy = {
  info: { group: '', version: 'v1', kind: 'LimitRange', resource: 'limitranges', singular: 'limitrange', namespaced: true, shortNames: ['limits'] },
  defaults(obj) {
    for (const it of obj.spec?.limits ?? []) defaultLimitRangeItem(it);
  },
  validate: (obj) => validateItems(obj.spec?.limits),
  table: {
    columns: [nameColumn(), col('Created At', 'date', 0, 'CreationTimestamp is a timestamp representing the server time when this object was created.')],
    row: (lr) => [lr.metadata.name, lr.metadata.creationTimestamp ?? null],
  },
};
