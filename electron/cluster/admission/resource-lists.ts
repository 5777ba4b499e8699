// corev1.ResourceList arithmetic on exact quantities (nano precision), printed back the way Quantity.String() does.
import { formatQuantity, parseQuantity, type QuantityFormat } from '../api/quantity';

export type ResourceList = Record<string, string>;

interface Amount {
  nano: bigint;
  format: QuantityFormat;
}

export function amount(v: unknown): Amount {
  try {
    return parseQuantity(v as string);
  } catch {
    return { nano: 0n, format: 'DecimalSI' };
  }
}
export function show(a: Amount): string {
  return formatQuantity(a.nano, a.format);
}
export function canonical(v: unknown): string {
  return show(amount(v));
}
export function cmp(a: unknown, b: unknown): number {
  const x = amount(a).nano,
    y = amount(b).nano;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Quantity.Add keeps the receiver's format unless the receiver is zero */
function plus(a: Amount | undefined, b: Amount): Amount {
  if (!a || a.nano === 0n) return { nano: (a?.nano ?? 0n) + b.nano, format: b.format };
  return { nano: a.nano + b.nano, format: a.format };
}

export function addLists(a: ResourceList | undefined, b: ResourceList | undefined): ResourceList {
  const out: Record<string, Amount> = {};
  for (const [k, v] of Object.entries(a ?? {})) out[k] = amount(v);
  for (const [k, v] of Object.entries(b ?? {})) out[k] = plus(out[k], amount(v));
  return toList(out);
}

/** a - b, never below zero (quota.SubtractWithNonNegativeResult) */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(a)) {
    const x = amount(v);
    const d = x.nano - (k in b ? amount(b[k]).nano : 0n);
    out[k] = formatQuantity(d > 0n ? d : 0n, x.format);
  }
  return out;
}

export function mask(l: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = {};
  for (const n of names) if (n in l) out[n] = l[n];
  return out;
}

export function removeZeros(l: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(l)) if (amount(v).nano !== 0n) out[k] = v;
  return out;
}

/** `k=v,k=v` in key order, as the quota plugin prints lists */
export function prettyPrint(l: ResourceList): string {
  return Object.keys(l)
    .sort()
    .map((k) => `${k}=${canonical(l[k])}`)
    .join(',');
}

function toList(m: Record<string, Amount>): ResourceList {
  const out: ResourceList = {};
  for (const [k, a] of Object.entries(m)) out[k] = show(a);
  return out;
}

/** element-wise maximum, keeping the larger value's own spelling */
export function maxLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  for (const [k, v] of Object.entries(b)) if (!(k in out) || cmp(v, out[k]) > 0) out[k] = v;
  return out;
}
