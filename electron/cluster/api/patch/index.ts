// Public surface of patching: strategic merge, JSON merge, JSON patch, server-side apply and managedFields.
export { strategicMergePatch, StrategicMergePatchError } from './strategic-merge';
export { jsonMergePatch } from './merge-patch';
export { jsonPatch, JsonPatchError, jsonPatchStatusError, type JsonPatchOperation } from './json-patch';
export {
  applyPatch,
  updateManagedFields,
  formatConflictMessage,
  applyConflictError,
  type ApplyResult,
  type Conflict,
  type ManagedFieldsOptions,
  type ManagedFieldsEntry,
} from './managed-fields';
export { FieldSet, pathString } from './field-set';
