// Partial-object matching with the semantics of Kyverno chainsaw / kyverno-json assertion trees:
// maps match as subsets, arrays element by element, keys in parentheses are JMESPath projections of the
// current node, a leading "~" iterates the projected list so every element must match (unordered lists
// are handled with a filter projection such as `~.(containers[?name == 'web'])`).
import { search } from '@jmespath-community/jmespath';
import { compareQuantities, isQuantity } from '../cluster';
import { sameCron } from './cron-equal';

export interface Mismatch {
  path: string;
  expected?: unknown;
  actual?: unknown;
  reason: 'missing' | 'value' | 'type' | 'length' | 'expression';
}

type Json = unknown;

export function matchTree(expected: Json, actual: Json, path = ''): Mismatch[] {
  if (isMap(expected)) return matchMap(expected, actual, path);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path: path || '.', expected, actual, reason: actual === undefined ? 'missing' : 'type' }];
    if (actual.length !== expected.length) return [{ path: path || '.', expected: expected.length, actual: actual.length, reason: 'length' }];
    return expected.flatMap((e, i) => matchTree(e, actual[i], `${path}[${i}]`));
  }
  return scalarEqual(expected, actual) || equivalentForm(expected, actual, path)
    ? []
    : [{ path: path || '.', expected, actual, reason: actual === undefined ? 'missing' : 'value' }];
}

function matchMap(expected: Record<string, Json>, actual: Json, path: string): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [rawKey, child] of Object.entries(expected)) {
    const { foreach, expr, field } = parseKey(rawKey);
    const childPath = path ? `${path}.${expr !== undefined ? `(${expr})` : field}` : expr !== undefined ? `(${expr})` : field!;
    let value: Json;
    if (expr !== undefined) {
      try {
        value = search((actual ?? null) as never, expr);
      } catch (err) {
        out.push({ path: childPath, expected: child, actual: (err as Error).message, reason: 'expression' });
        continue;
      }
    } else {
      if (actual === undefined || actual === null) {
        out.push({ path: childPath, expected: child, reason: 'missing' });
        continue;
      }
      if (!isMap(actual)) {
        out.push({ path: path || '.', expected: 'an object', actual, reason: 'type' });
        continue;
      }
      value = actual[field!];
    }
    if (foreach) {
      const items = Array.isArray(value) ? value : isMap(value) ? Object.values(value) : undefined;
      if (!items) {
        out.push({ path: childPath, expected: 'a list to iterate', actual: value, reason: value === undefined || value === null ? 'missing' : 'type' });
        continue;
      }
      items.forEach((item, i) => out.push(...matchTree(child, item, `${childPath}[${i}]`)));
    } else {
      out.push(...matchTree(child, value, childPath));
    }
  }
  return out;
}

function parseKey(key: string): { foreach: boolean; expr?: string; field?: string } {
  let k = key;
  let foreach = false;
  if (k.startsWith('~')) {
    foreach = true;
    k = k.slice(1);
    // chainsaw spells the iterated projection "~.(expr)" or "~name.(expr)"; the name only binds an index we don't expose
    const dot = k.indexOf('.(');
    if (dot >= 0 && /^[A-Za-z0-9_]*$/.test(k.slice(0, dot))) k = k.slice(dot + 1);
  }
  if (k.startsWith('(') && k.endsWith(')')) return { foreach, expr: k.slice(1, -1) };
  return { foreach, field: k };
}

function scalarEqual(e: Json, a: Json): boolean {
  if (e === null) return a === null || a === undefined;
  if (a === undefined) return false;
  if (typeof e === 'number' && typeof a === 'number') return e === a;
  if (typeof e === 'string' && typeof a === 'string') return /[*?]/.test(e) ? wildcard(e).test(a) : e === a;
  // quantities and ports are written either way ("2" vs 2); compare their spelling
  if ((typeof e === 'number' && typeof a === 'string') || (typeof e === 'string' && typeof a === 'number')) return String(e) === String(a);
  return e === a;
}

/** where the API accepts several spellings of one value, the grader compares the value: 100m = 0.1, 1Gi = 1024Mi, every minute = "*\/1 * * * *" */
const QUANTITY_PATH = /(^|\.)(requests|limits|hard|used|capacity|allocatable|overhead|sizeLimit|storage)(\.|$|\[)/;
export function equivalentForm(e: Json, a: Json, path: string): boolean {
  if (typeof e !== 'string' && typeof e !== 'number') return false;
  if (typeof a !== 'string' && typeof a !== 'number') return false;
  if (QUANTITY_PATH.test(path) && isQuantity(e) && isQuantity(a)) return compareQuantities(e, a) === 0;
  if (/(^|\.)schedule$/.test(path) && typeof e === 'string' && typeof a === 'string') return sameCron(e, a);
  return false;
}

function wildcard(p: string): RegExp {
  return new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
}

function isMap(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeMismatch(m: Mismatch): string {
  const show = (v: unknown) => (v === undefined ? 'nothing' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v));
  switch (m.reason) {
    case 'missing':
      return `${m.path} is not set (expected ${show(m.expected)})`;
    case 'length':
      return `${m.path} has ${m.actual} item(s), expected ${m.expected}`;
    case 'type':
      return `${m.path} is ${show(m.actual)}, expected ${typeof m.expected === 'string' ? m.expected : show(m.expected)}`;
    case 'expression':
      return `${m.path}: the expression failed: ${m.actual}`;
    default:
      return `${m.path} is ${show(m.actual)}, expected ${show(m.expected)}`;
  }
}
