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

export function storageSize(v: unknown): bigint {
  try {
    return parseQuantity(v as string).nano;
  } catch {
    return 0n;
  }
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
