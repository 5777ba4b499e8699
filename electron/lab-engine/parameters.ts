// Per-student values: a lab declares parameters (one of a set, a row of related values, or an integer in a range); each student's seed
// draws their own values, so answers and names cannot be copied from a neighbour, while the same seed always
// gives the same lab back (the report records the seed so an instructor can reproduce it).
import { createHash } from 'node:crypto';
import type { Problems, YNodeReader } from './yaml-reader';
import type { LabParameter } from './types';

const NAME = /^[a-z][a-zA-Z0-9]*$/;
/** values are pasted into YAML, Markdown and shell text, so they stay plain tokens */
const VALUE = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9]*(?:\.[a-zA-Z][a-zA-Z0-9]*)?)\s*\}\}/g;

export function readParameters(n: YNodeReader, p: Problems): LabParameter[] {
  if (!n.present) return [];
  if (!n.isMap()) {
    n.fail('parameters must map names to {oneOf: [...]}, {rows: [...]} or {range: [min, max]}');
    return [];
  }
  const out: LabParameter[] = [];
  for (const name of n.keys()) {
    const d = n.get(name);
    const where = d.where;
    if (!NAME.test(name)) {
      p.add(where, `parameter name "${name}" must be a letter followed by letters and digits`);
      continue;
    }
    const oneOf = d.get('oneOf').js();
    const range = d.get('range').js();
    const rows = d.get('rows').js();
    const plainRow = (r: unknown) =>
      !!r &&
      typeof r === 'object' &&
      !Array.isArray(r) &&
      Object.keys(r).length > 0 &&
      Object.entries(r).every(([k, v]) => NAME.test(k) && VALUE.test(String(v)));
    if (
      Array.isArray(rows) &&
      rows.length >= 2 &&
      rows.every(plainRow) &&
      rows.every((r) => Object.keys(r).sort().join() === Object.keys(rows[0]).sort().join())
    )
      out.push({ name, rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))), where });
    else if (Array.isArray(oneOf) && oneOf.length >= 2 && oneOf.every((x) => VALUE.test(String(x)))) out.push({ name, oneOf: oneOf.map(String), where });
    else if (Array.isArray(range) && range.length === 2 && range.every(Number.isInteger) && range[0] < range[1])
      out.push({ name, range: [range[0], range[1]], where });
    else
      p.add(
        where,
        `parameter "${name}" needs oneOf (two or more plain values: letters, digits, . _ : / -) rows (two or more mappings with the same keys, used as {{${name}.KEY}}) or range [min, max] (integers, min < max)`,
      );
  }
  return out;
}

/** the values for one seed: stable per (seed, lab, parameter), independent of the other parameters */
export function drawValues(params: LabParameter[], seed: string, labId: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const prm of params) {
    const n = createHash('sha256').update(`${seed}\0${labId}\0${prm.name}`).digest().readUInt32BE(0);
    if (prm.rows) for (const [k, v] of Object.entries(prm.rows[n % prm.rows.length])) values[`${prm.name}.${k}`] = v;
    else values[prm.name] = prm.oneOf ? prm.oneOf[n % prm.oneOf.length] : String(prm.range![0] + (n % (prm.range![1] - prm.range![0] + 1)));
  }
  return values;
}

/**
 * Replaces {{name}} with its value. With values = null every placeholder stands for its own name (used to read the
 * parameter declarations themselves); an unknown name is left as written, so the loader can report it.
 */
export function substitute(text: string, values: Record<string, string> | null): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (values === null ? name : (values[name] ?? whole)));
}

/** placeholders left after substitution: names the lab uses but never declared */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}
