// Pieces PersistentVolumes and PersistentVolumeClaims share: access modes and storage-size checks.
import { type FieldError, forbidden, invalid, notSupported, required } from '../../errors';
import { canonicalQuantity, parseQuantity } from '../../quantity';

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

export function validateAccessModes(modes: string[] | undefined, path: string, requiredDetail = ''): FieldError[] {
  const list = modes ?? [];
  if (list.length === 0) return [required(path, requiredDetail)];
  const errs: FieldError[] = [];
  for (const m of list) if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** Storage sizes must parse and be positive. */
export function validatePositiveStorage(v: unknown, path: string): FieldError[] {
  try {
    const q = parseQuantity(v as string);
    return q.nano > 0n ? [] : [invalid(path, canonicalQuantity(v as string), 'must be greater than zero')];
  } catch (e) {
    return [invalid(path, v, (e as Error).message)];
  }
}

/**
 * sizes parsed before: the PV controller and the scheduler compare every claim with every volume, and the same few
 * quantity strings ("1Gi", "5Gi") would otherwise be parsed hundreds of thousands of times when 500 claims bind
 */
const parsedSizes = new Map<string, bigint>();
const MAX_PARSED_SIZES = 1024;

export function storageSize(v: unknown): bigint {
  if (typeof v === 'string') {
    const known = parsedSizes.get(v);
    if (known !== undefined) return known;
  }
  let size: bigint;
  try {
    size = parseQuantity(v as string).nano;
  } catch {
    size = 0n;
  }
  if (typeof v === 'string') {
    if (parsedSizes.size >= MAX_PARSED_SIZES) parsedSizes.clear();
    parsedSizes.set(v, size);
  }
  return size;
}

export function storageString(v: unknown): string {
  if (v === undefined || v === null || v === '') return '0';
  try {
    return canonicalQuantity(v as string);
  } catch {
    return String(v);
  }
}

/** Storage class: the beta annotation wins over the field, as upstream's helpers read it. */
export function storageClassOf(obj: any): string {
  return obj.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? obj.spec?.storageClassName ?? '';
}
