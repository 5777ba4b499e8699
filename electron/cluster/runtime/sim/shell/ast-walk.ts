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

/**
 * the statement lists a compound command runs, in order; `condition` marks those whose status it tests (if and
 * loop conditions) rather than runs as its body
 */
export function compoundParts(c: Node, fn: (stmts: Node[] | null | undefined, condition: boolean) => void): void {
  switch (c.type) {
    case 'If':
      for (const cl of c.clauses) {
        fn(cl.condition, true);
        fn(cl.body, false);
      }
      fn(c.elseBody, false);
      return;
    case 'While':
    case 'Until':
      fn(c.condition, true);
      fn(c.body, false);
      return;
    case 'For':
    case 'CStyleFor':
    case 'Subshell':
    case 'Group':
      fn(c.body, false);
      return;
    case 'Case':
      for (const it of c.items) fn(it.body, false);
  }
}
