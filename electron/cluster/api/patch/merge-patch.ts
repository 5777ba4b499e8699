// JSON merge patch (RFC 7386, application/merge-patch+json): objects merge recursively, null deletes,
// everything else (arrays included) replaces.
import { isObject } from './typed';

export function jsonMergePatch<T>(original: T, patch: unknown): T {
  return merge(original, patch) as T;
}

function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return structuredClone(out);
}
