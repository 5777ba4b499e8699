// The shape a merge or strategic-merge patch (and any patch's result) must have before it meets an object.
// Upstream unmarshals both into map[string]interface{}: a null patch is an empty map (no change), anything else
// that is not an object is Go's type error as a 400.
import { errBadRequest } from '../api/errors';

const goKind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v);

/** a merge-type patch body as an object: null means "no change" */
export function mergePatchObject(patch: unknown): Record<string, unknown> {
  if (patch === null) return {};
  if (typeof patch !== 'object' || Array.isArray(patch)) throw errBadRequest(`json: cannot unmarshal ${goKind(patch)} into Go value of type map[string]interface {}`);
  return patch as Record<string, unknown>;
}

/** a patched object must still be an object (a JSON patch can replace the root with anything) */
export function patchedObject<T>(next: T): T {
  if (next === null || typeof next !== 'object' || Array.isArray(next)) throw errBadRequest(`json: cannot unmarshal ${goKind(next)} into Go value of type map[string]interface {}`);
  return next;
}
