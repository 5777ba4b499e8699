// A thin wrapper over the `yaml` document API so every validation error names the file and line it came from.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Node as YNode } from 'yaml';

export class LabError extends Error {}

export class Problems {
  list: string[] = [];
  add(where: string, msg: string): void {
    this.list.push(`${where}: ${msg}`);
  }
}

export class YNodeReader {
  constructor(
    readonly file: string,
    private lc: LineCounter,
    readonly node: YNode | null | undefined,
    readonly problems: Problems,
    private fallbackLine = 1,
  ) {}

  static parse(file: string, source: string, problems: Problems): YNodeReader {
    const lc = new LineCounter();
    const doc = parseDocument(source, { lineCounter: lc, prettyErrors: false });
    for (const e of doc.errors) problems.add(`${file}:${lc.linePos(e.pos[0]).line}`, e.message.split('\n')[0]);
    return new YNodeReader(file, lc, doc.contents as YNode, problems);
  }

  get line(): number {
    const r = (this.node as any)?.range as number[] | undefined;
    return r ? this.lc.linePos(r[0]).line : this.fallbackLine;
  }
  get where(): string {
    return `${this.file}:${this.line}`;
  }
  get present(): boolean {
    return this.node !== null && this.node !== undefined;
  }
  isMap(): boolean {
    return isMap(this.node);
  }
  isSeq(): boolean {
    return isSeq(this.node);
  }
  js(): any {
    return this.node && typeof (this.node as any).toJSON === 'function' ? (this.node as any).toJSON() : isScalar(this.node) ? this.node.value : undefined;
  }

  keys(): string[] {
    return isMap(this.node) ? this.node.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)) : [];
  }

  /** the child at a key; absent children report the parent's line */
  get(key: string): YNodeReader {
    if (!isMap(this.node)) return new YNodeReader(this.file, this.lc, undefined, this.problems, this.line);
    const pair = this.node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
    const keyLine = pair && (pair.key as any)?.range ? this.lc.linePos((pair.key as any).range[0]).line : this.line;
    return new YNodeReader(this.file, this.lc, pair?.value as YNode | undefined, this.problems, keyLine);
  }

  items(): YNodeReader[] {
    return isSeq(this.node) ? this.node.items.map((n) => new YNodeReader(this.file, this.lc, n as YNode, this.problems, this.line)) : [];
  }

  fail(msg: string): void {
    this.problems.add(this.where, msg);
  }

  str(key: string, required = true): string | undefined {
    const c = this.get(key);
    const v = c.js();
    if (v === undefined || v === null) {
      if (required) this.fail(`"${key}" is required`);
      return undefined;
    }
    if (typeof v !== 'string' && typeof v !== 'number') {
      c.fail(`"${key}" must be a string`);
      return undefined;
    }
    return String(v);
  }

  num(key: string, required = true): number | undefined {
    const c = this.get(key);
    const v = c.js();
    if (v === undefined || v === null) {
      if (required) this.fail(`"${key}" is required`);
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      c.fail(`"${key}" must be a number`);
      return undefined;
    }
    return v;
  }

  /** a required seq (or absent → empty); reports anything else */
  seq(key: string, required = false): YNodeReader[] {
    const c = this.get(key);
    if (!c.present) {
      if (required) this.fail(`"${key}" is required`);
      return [];
    }
    if (!c.isSeq()) {
      c.fail(`"${key}" must be a list`);
      return [];
    }
    return c.items();
  }
}

/** multi-document YAML manifests (setup files, inline apply blocks), with file:line on parse errors */
export function parseManifests(text: string, where: string, problems: Problems): Record<string, unknown>[] {
  const lc = new LineCounter();
  const out: Record<string, unknown>[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: lc })) {
    if (doc.errors.length) {
      for (const e of doc.errors) problems.add(`${where} (line ${lc.linePos(e.pos[0]).line} of the manifest)`, e.message.split('\n')[0]);
      continue;
    }
    const v = doc.toJS();
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v) || !v.apiVersion || !v.kind) {
      problems.add(where, 'each manifest needs apiVersion and kind');
      continue;
    }
    out.push(v);
  }
  return out;
}
