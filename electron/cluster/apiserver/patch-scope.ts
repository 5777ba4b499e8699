// Which top-level fields of an object a patch can change. The rest of the patched object is the stored object's,
// which passed typed decoding when it was written, so only these fields need decoding again (a kubelet's status
// patch would otherwise re-check the whole pod spec on every write).

/** the fields a patch body touches, or undefined when it may touch anything (root operations, directives) */
export function patchedFields(mediaType: string, patch: unknown): Set<string> | undefined {
  const out = new Set<string>();
  if (mediaType === 'application/json-patch+json') {
    if (!Array.isArray(patch)) return undefined;
    for (const op of patch) {
      if (!op || typeof op !== 'object') return undefined;
      if (op.op === 'test') continue;
      for (const p of op.op === 'move' || op.op === 'copy' ? [op.path, op.from] : [op.path]) {
        const first = typeof p === 'string' && p.startsWith('/') ? p.slice(1).split('/')[0] : undefined;
        if (!first) return undefined;
        out.add(first.replace(/~1/g, '/').replace(/~0/g, '~'));
      }
    }
    return out;
  }
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return undefined;
  for (const k of Object.keys(patch)) {
    // strategic merge patch directives at the root ($patch: replace, $retainKeys, …) reach beyond their key
    if (k.startsWith('$')) return undefined;
    out.add(k);
  }
  return out;
}
