// Sets of field paths in structured-merge-diff's FieldsV1 encoding: path elements `f:<field>`,
// `k:{"name":"x"}` (associative list item), `v:<json>` (set item), `i:<n>` (atomic list index);
// `.` marks a node that is itself a member while also having members below it.

export type PathElement = string;
export type Path = PathElement[];

export class FieldSet {
  self = false;
  readonly children = new Map<PathElement, FieldSet>();

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (typeof v !== 'object' || v === null) return s;
    for (const [k, child] of Object.entries(v)) {
      if (k === '.') {
        s.self = true;
        continue;
      }
      const c = FieldSet.fromFieldsV1(child);
      if (c.children.size === 0) c.self = true;
      s.children.set(k, c);
    }
    return s;
  }

  insert(path: Path): void {
    let children = this.children;
    let last: FieldSet | undefined;
    for (const pe of path) {
      last = children.get(pe);
      if (!last) {
        last = new FieldSet();
        children.set(pe, last);
      }
      children = last.children;
    }
    (last ?? this).self = true;
  }

  get(path: Path): FieldSet | undefined {
    if (!path.length) return this;
    return this.children.get(path[0])?.get(path.slice(1));
  }

  has(path: Path): boolean {
    return this.get(path)?.self === true;
  }

  isEmpty(): boolean {
    if (this.self) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  clone(): FieldSet {
    const s = new FieldSet();
    s.self = this.self;
    for (const [k, c] of this.children) s.children.set(k, c.clone());
    return s;
  }

  union(o: FieldSet): FieldSet {
    const s = this.clone();
    const walk = (dst: FieldSet, src: FieldSet) => {
      dst.self ||= src.self;
      for (const [k, c] of src.children) {
        let d = dst.children.get(k);
        if (!d) {
          d = new FieldSet();
          dst.children.set(k, d);
        }
        walk(d, c);
      }
    };
    walk(s, o);
    return s;
  }

  /** Members of this set that are not members of `o` (node by node, descendants are independent). */
  difference(o: FieldSet): FieldSet {
    const s = new FieldSet();
    s.self = this.self && !o.self;
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      const d = oc ? c.difference(oc) : c.clone();
      if (!d.isEmpty()) s.children.set(k, d);
    }
    return s;
  }

  intersection(o: FieldSet): FieldSet {
    const s = new FieldSet();
    s.self = this.self && o.self;
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      if (!oc) continue;
      const d = c.intersection(oc);
      if (!d.isEmpty()) s.children.set(k, d);
    }
    return s;
  }

  /** This set minus `o` and everything below each member of `o` (a removed field takes its subtree along). */
  withoutSubtrees(o: FieldSet): FieldSet {
    if (o.self) return new FieldSet();
    const s = new FieldSet();
    s.self = this.self;
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      const d = oc ? c.withoutSubtrees(oc) : c.clone();
      if (!d.isEmpty()) s.children.set(k, d);
    }
    return s;
  }

  /** Every member path, in serialization order. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    if (this.self && prefix.length) out.push(prefix);
    for (const [k, c] of sortedChildren(this)) out.push(...c.paths([...prefix, k]));
    return out;
  }

  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.self && this.children.size) out['.'] = {};
    for (const [k, c] of sortedChildren(this)) {
      if (c.isEmpty()) continue;
      out[k] = c.toFieldsV1();
    }
    return out;
  }
}

const ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };
function sortedChildren(s: FieldSet): [PathElement, FieldSet][] {
  return [...s.children].sort(([a], [b]) => ORDER[a[0]] - ORDER[b[0]] || (a < b ? -1 : a > b ? 1 : 0));
}

/** A path as structured-merge-diff prints it in conflict messages: `.spec.containers[name="nginx"].image`. */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const keys = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.entries(keys)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
