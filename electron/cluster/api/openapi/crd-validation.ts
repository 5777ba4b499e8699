// Validation and defaulting of custom resources against their structural schema, with the messages
// apiextensions-apiserver produces from kube-openapi's validator (paths "spec.x", "spec.x in body ...").
import { type FieldError, duplicate, invalid, notSupported, required, tooLong, tooMany } from '../errors';
import type { Schema } from './schema';
import { deepEqual } from '../object';
import { strfmtChecker } from './strfmt';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON type name kube-openapi reports for a value. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  return typeof v;
}

function typeMatches(expected: string, v: unknown): boolean {
  const actual = typeName(v);
  return actual === expected || (expected === 'number' && actual === 'integer');
}

function validate(v: unknown, s: Schema, path: string, errs: FieldError[]): void {
  const at = `${path} in body`;
  if (v === null) {
    if (s.nullable || !s.type) return;
    errs.push({ type: 'FieldValueTypeInvalid', field: path, badValue: 'null', detail: `${at} must be of type ${s.type}: "null"` });
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
      errs.push({ type: 'FieldValueTypeInvalid', field: path, badValue: typeName(v), detail: `${at} must be of type integer-or-string: "${typeName(v)}"` });
      return;
    }
  } else if (s.type && !typeMatches(s.type, v)) {
    // upstream reports the JSON type, not the value: `spec.age: Invalid value: "string": spec.age in body must be of type integer: "string"`
    errs.push({ type: 'FieldValueTypeInvalid', field: path, badValue: typeName(v), detail: `${at} must be of type ${s.type}: "${typeName(v)}"` });
    return;
  }
  if (s.enum && !s.enum.some((e) => deepEqual(e, v))) {
    errs.push(
      notSupported(
        path,
        v,
        s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
      ),
    );
  }
  if (typeof v === 'number') {
    const ex = s as Schema & { maximum?: number; minimum?: number; exclusiveMaximum?: boolean; exclusiveMinimum?: boolean; multipleOf?: number };
    if (ex.maximum !== undefined && (ex.exclusiveMaximum ? v >= ex.maximum : v > ex.maximum)) {
      errs.push(invalid(path, v, `${at} should be less than ${ex.exclusiveMaximum ? '' : 'or equal to '}${ex.maximum}`));
    }
    if (ex.minimum !== undefined && (ex.exclusiveMinimum ? v <= ex.minimum : v < ex.minimum)) {
      errs.push(invalid(path, v, `${at} should be greater than ${ex.exclusiveMinimum ? '' : 'or equal to '}${ex.minimum}`));
    }
    if (ex.multipleOf && Math.abs(v / ex.multipleOf - Math.round(v / ex.multipleOf)) > 1e-9) {
      errs.push(invalid(path, v, `${at} should be a multiple of ${ex.multipleOf}`));
    }
  }
  if (typeof v === 'string') {
    const ex = s as Schema & { maxLength?: number; minLength?: number; pattern?: string };
    const len = [...v].length;
    if (ex.maxLength !== undefined && len > ex.maxLength) errs.push(tooLong(path, v, ex.maxLength));
    if (ex.minLength !== undefined && len < ex.minLength) errs.push(invalid(path, v, `${at} should be at least ${ex.minLength} chars long`));
    if (ex.pattern !== undefined && !new RegExp(ex.pattern, 'u').test(v)) errs.push(invalid(path, v, `${at} should match '${ex.pattern}'`));
    const fmt = s.format;
    if (fmt && strfmtChecker(fmt)?.(v) === false) {
      errs.push({ type: 'FieldValueTypeInvalid', field: path, badValue: v, detail: `${at} must be of type ${fmt}: ${JSON.stringify(v)}` });
    }
  }
  if (Array.isArray(v)) {
    const ex = s as Schema & { maxItems?: number; minItems?: number; uniqueItems?: boolean };
    if (ex.maxItems !== undefined && v.length > ex.maxItems) errs.push(tooMany(path, v.length, ex.maxItems));
    if (ex.minItems !== undefined && v.length < ex.minItems) errs.push(invalid(path, v.length, `${at} should have at least ${ex.minItems} items`));
    const lt = s['x-kubernetes-list-type'];
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    if (ex.uniqueItems || lt === 'set' || lt === 'map') {
      const seen: unknown[] = [];
      v.forEach((item, i) => {
        const id = lt === 'map' && isObject(item) ? Object.fromEntries(keys.map((k) => [k, item[k]])) : item;
        if (seen.some((x) => deepEqual(x, id))) errs.push(duplicate(`${path}[${i}]`, id));
        else seen.push(id);
      });
    }
    if (s.items) v.forEach((item, i) => validate(item, s.items!, `${path}[${i}]`, errs));
  }
  if (isObject(v)) {
    for (const r of s.required ?? []) if (!(r in v)) errs.push(required(path ? `${path}.${r}` : r, ''));
    for (const [k, child] of Object.entries(v)) {
      const childPath = path ? `${path}.${k}` : k;
      const prop = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (prop) validate(child, prop, childPath, errs);
    }
  }
}

/**
 * Validates a custom resource against its version's openAPIV3Schema. Root apiVersion/kind/metadata are left
 * to the generic object-meta checks, as upstream does.
 */
export function validateCrdObject(schema: Schema, obj: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
  const rootSchema: Schema = { ...schema, required: (schema.required ?? []).filter((r) => !['apiVersion', 'kind', 'metadata'].includes(r)) };
  validate(rest, rootSchema, '', errs);
  return errs;
}

function isNonNullableNull(v: unknown, s: Schema): boolean {
  return v === null && !s.nullable;
}

function applyDefaults(v: unknown, s: Schema | undefined): void {
  if (!s) return;
  if (Array.isArray(v)) {
    if (s.items) for (const item of v) applyDefaults(item, s.items);
    return;
  }
  if (!isObject(v)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default !== undefined && (!(k in v) || isNonNullableNull(v[k], prop))) v[k] = structuredClone(prop.default);
  }
  for (const [k, child] of Object.entries(v)) {
    applyDefaults(child, s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined));
  }
}

/** Structural defaulting (in place, also returned): `default` values fill missing fields, top-down. */
export function applyCrdDefaults<T>(schema: Schema, obj: T): T {
  applyDefaults(obj, schema);
  return obj;
}
