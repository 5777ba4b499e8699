/** just-bash's AST, walked generically by our rewrites */
export type Node = any;

/** calls fn on every node of the tree, parents before children */
export function walk(n: Node, fn: (n: Node) => void): void {
  if (!n || typeof n !== 'object') return;
  if (Array.isArray(n)) {
    for (const x of n) walk(x, fn);
    return;
  }
  fn(n);
  for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v, fn);
}
