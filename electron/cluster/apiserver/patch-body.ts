// The shape a merge or strategic-merge patch (and any patch's result) must have before it meets an object.
// Upstream unmarshals both into map[string]interface{}: a null patch is an empty map (no change), anything else
// that is not an object is Go's type error as a 400.
import { errBadRequest } from '../api/errors';

const goKind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v);

/** a merge-type patch body as an object: null means "no change" */
export function mergePatchObject(patch: unknown): Record<string, unknown> {
  if (patch === null) return {};
  if (typeof patch !== 'object' || Array.isArray(patch))
    throw errBadRequest(`json: cannot unmarshal ${goKind(patch)} into Go value of type map[string]interface {}`);
  return patch as Record<string, unknown>;
}

/**
 * A patched object must still be an object with object metadata: a JSON patch can replace the root with
 * anything and a merge patch can null or retype metadata. Upstream's typed decode of the result reports the
 * type, and its name check then finds no name (the URL's name against an empty one).
 */
export function patchedObject<T>(next: T, kind: string, name: string): T {
  if (next === null || typeof next !== 'object' || Array.isArray(next))
    throw errBadRequest(`json: cannot unmarshal ${goKind(next)} into Go value of type map[string]interface {}`);
  const md = (next as { metadata?: unknown }).metadata;
  if (md === undefined || md === null) throw errBadRequest(`the name of the object () does not match the name on the URL (${name})`);
  if (typeof md !== 'object' || Array.isArray(md))
    throw errBadRequest(`json: cannot unmarshal ${goKind(md)} into Go struct field ${kind}.metadata of type v1.ObjectMeta`);
  return next;
}
