// Metadata checks every kind shares (name format per kind, labels, annotations, immutable identity on update).
import type { FieldError } from '../api/errors';
import type { KObject } from '../api/types';
import type { ResourceEntry } from './catalog';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/validation/meta';

export function validateCommonMetadata(e: ResourceEntry, obj: KObject, old?: KObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: e.namespaced, nameValidation: e.strategy.nameValidation ?? 'subdomain' });
  if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return errs;
}
