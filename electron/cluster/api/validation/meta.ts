// ObjectMeta validation shared by every kind (upstream's ValidateObjectMetaAccessor and its Update twin).
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { type FieldError, forbidden, immutable, invalid, required, tooLong } from '../errors';
import type { KindStrategy } from '../kind';
import { isDNS1123Label, isDNS1123Subdomain, isPathSegmentName, isQualifiedName, isValidLabelValue, maskTrailingDash } from './names';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export type NameValidation = KindStrategy['nameValidation'];

export function nameValidator(kind: NameValidation): (name: string, prefix: boolean) => string[] {
  if (typeof kind === 'function') return (n) => kind(n);
  switch (kind) {
    case 'label':
      return (n, p) => isDNS1123Label(p ? maskTrailingDash(n) : n);
    case 'path-segment':
      return (n) => isPathSegmentName(n);
    case 'none':
      return () => [];
    default:
      return (n, p) => isDNS1123Subdomain(p ? maskTrailingDash(n) : n);
  }
}

export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    for (const m of isValidLabelValue(String(v))) errs.push(invalid(path, v, m));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names where case does not matter.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  let controller = '';
  for (const ref of refs ?? []) {
    const apiVersion = ref.apiVersion ?? '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version) errs.push(invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(`${path}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(`${path}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(`${path}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller) {
      const cur = `${ref.kind}/${ref.name}`;
      if (controller) {
        errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${cur}`));
      } else controller = cur;
    }
  }
  return errs;
}

export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) for (const m of isQualifiedName(f)) errs.push(invalid(path, f, m));
  const list = finalizers ?? [];
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

export function validateObjectMeta(meta: ObjectMeta | undefined, opts: { namespaced: boolean; nameValidation: NameValidation; path?: string }): FieldError[] {
  const m = meta ?? {};
  const p = opts.path ?? 'metadata';
  const check = nameValidator(opts.nameValidation);
  const errs: FieldError[] = [];
  if (m.generateName) for (const msg of check(m.generateName, true)) errs.push(invalid(`${p}.generateName`, m.generateName, msg));
  if (!m.name) errs.push(required(`${p}.name`, 'name or generateName is required'));
  else for (const msg of check(m.name, false)) errs.push(invalid(`${p}.name`, m.name, msg));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(required(`${p}.namespace`));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(invalid(`${p}.namespace`, m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden(`${p}.namespace`, 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(invalid(`${p}.generation`, m.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, `${p}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${p}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${p}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${p}.finalizers`));
  return errs;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function validateObjectMetaUpdate(newMeta: ObjectMeta, oldMeta: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (oldMeta.deletionTimestamp) {
    const added = (newMeta.finalizers ?? []).filter((f) => !(oldMeta.finalizers ?? []).includes(f));
    if (added.length) {
      errs.push(
        forbidden(
          `${path}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
    }
  }
  if ((newMeta.generation ?? 0) < (oldMeta.generation ?? 0)) {
    errs.push(invalid(`${path}.generation`, newMeta.generation ?? 0, 'must not be decremented'));
  }
  for (const f of ['name', 'namespace'] as const) {
    if (!same(newMeta[f], oldMeta[f])) errs.push(immutable(`${path}.${f}`, newMeta[f] ?? ''));
  }
  // Upstream's BeforeUpdate carries these over from the stored object when a client leaves them out,
  // so only a value the client actually changed is an error.
  for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if (newMeta[f] !== undefined && !same(newMeta[f], oldMeta[f])) errs.push(immutable(`${path}.${f}`, newMeta[f]));
  }
  errs.push(...validateLabels(newMeta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(newMeta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(newMeta.finalizers, `${path}.finalizers`));
  return errs;
}
