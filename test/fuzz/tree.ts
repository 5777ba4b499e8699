// Walking and changing a JSON tree by path: what every fuzzer here does to its seed (a manifest, a lab file, a
// Killercoda index, an app call's parameters) before sending it.

/** one step into an object: a key or an index */
export type Step = string | number;

/** what an update returns to remove the value at its path (an array item is spliced out) */
export const REMOVE = Symbol('remove');

/** every path in the tree, the root's (`[]`) first, down to `maxDepth` steps */
export function treePaths(v: unknown, maxDepth = Infinity, at: Step[] = [], out: Step[][] = []): Step[][] {
  out.push(at);
  if (at.length >= maxDepth || v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) v.forEach((x, i) => treePaths(x, maxDepth, [...at, i], out));
  else for (const [k, x] of Object.entries(v)) treePaths(x, maxDepth, [...at, k], out);
  return out;
}

/** a copy of `obj` with the value at `path` replaced by what `fn` returns for the old one; removing the root
 * gives `rootRemoved` */
export function updateAt(obj: unknown, path: Step[], fn: (old: unknown) => unknown, rootRemoved: unknown = undefined): unknown {
  if (path.length === 0) {
    const r = fn(obj);
    return r === REMOVE ? rootRemoved : r;
  }
  const copy = structuredClone(obj) as any;
  let cur = copy;
  for (const s of path.slice(0, -1)) cur = cur[s];
  const last = path[path.length - 1];
  const r = fn(cur[last]);
  if (r === REMOVE) {
    if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
    else delete cur[last];
  } else cur[last] = r;
  return copy;
}
