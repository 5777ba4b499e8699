// x-kubernetes-validations: the CEL rules a structural schema carries, evaluated on custom resources the way
// apiextensions-apiserver does — `self` is the value at the rule's schema node, `oldSelf` the same value before an
// update (rules naming oldSelf are transition rules and run only when the old value exists), and a rule that does not
// hold is reported at its node (or node + fieldPath) with the node's schema type as the value:
// `spec: Invalid value: "object": <message>`, or `failed rule: <rule>` without a message. `reason` picks the error
// type. Not supported: optionalOldSelf's optional oldSelf (such rules run only on update), cost budgets, ratcheting.
import { type FieldError, duplicate, forbidden, invalid, required } from '../errors';
import { compileCel, toCel } from '../cel';
import type { Schema } from './schema';
import { goInvalid } from '../kinds/go-format';

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const rulesOf = (s: Schema): ValidationRule[] => (s['x-kubernetes-validations'] as ValidationRule[] | undefined) ?? [];
const isTransition = (r: ValidationRule) => /\boldSelf\b/.test(r.rule);
const joinPath = (path: string, rel: string) => (path + rel).replace(/^\./, '');

function ruleError(r: ValidationRule, path: string, type: string, detail: string): FieldError {
  // a rule on the root reports upstream's nil path
  const field = (r.fieldPath ? joinPath(path, r.fieldPath) : path) || '<nil>';
  switch (r.reason) {
    case 'FieldValueForbidden':
      return forbidden(field, detail);
    case 'FieldValueRequired':
      return required(field, detail);
    case 'FieldValueDuplicate':
      return duplicate(field, type);
    default:
      return invalid(field, type, detail);
  }
}

/** upstream's words for a rule that fails to evaluate (a missing key, division by zero, a dyn value of the wrong type) */
function runtimeError(e: Error, r: ValidationRule): string {
  const err = e.message.split('\n')[0];
  if (err.startsWith('no such overload'))
    return `'${err}': call arguments did not match a supported operator, function or macro signature for rule: ${r.rule.trim()}`;
  return `${err} evaluating rule: ${r.rule.trim()}`;
}

function message(r: ValidationRule, ctx: Record<string, unknown>): string {
  if (r.messageExpression) {
    try {
      const m = compileCel(r.messageExpression)(ctx);
      if (typeof m === 'string' && m.trim() && !m.includes('\n')) return m;
    } catch {
      // upstream falls back to the static message when messageExpression fails; so do we
    }
  }
  return r.message || `failed rule: ${r.rule.trim()}`;
}

function check(v: unknown, old: unknown, s: Schema, path: string, errs: FieldError[]): void {
  if (v === undefined || v === null) return;
  const type = s.type ?? '';
  for (const r of rulesOf(s)) {
    if (isTransition(r) && old === undefined) continue;
    const ctx: Record<string, unknown> = { self: toCel(v) };
    if (old !== undefined) ctx.oldSelf = toCel(old);
    let ok: unknown;
    try {
      ok = compileCel(r.rule)(ctx);
    } catch (e) {
      errs.push(invalid(path || '<nil>', type, runtimeError(e as Error, r)));
      continue;
    }
    if (ok !== true) errs.push(ruleError(r, path, type, message(r, ctx)));
  }
  if (Array.isArray(v)) {
    if (!s.items) return;
    // only map lists correlate an item with its old self (by the list's keys)
    const keys = s['x-kubernetes-list-type'] === 'map' ? (s['x-kubernetes-list-map-keys'] ?? []) : undefined;
    const oldItems = Array.isArray(old) ? old : [];
    v.forEach((item, i) => {
      const prev =
        keys && isObject(item) ? oldItems.find((o) => isObject(o) && keys.every((k) => JSON.stringify(o[k]) === JSON.stringify(item[k]))) : undefined;
      check(item, prev, s.items!, `${path}[${i}]`, errs);
    });
    return;
  }
  if (!isObject(v)) return;
  const oldObj = isObject(old) ? old : undefined;
  for (const [k, child] of Object.entries(v)) {
    const prop = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (prop) check(child, oldObj?.[k], prop, path ? `${path}.${k}` : k, errs);
  }
}

/**
 * the errors that stop upstream from evaluating the rules (hasBlockingErr): a value of the wrong type (a bad format
 * included), outside its enum, missing though required, or beyond its size limits
 */
const BLOCKING = new Set(['FieldValueTypeInvalid', 'FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany']);

/**
 * Evaluates every rule of the schema on a custom resource (and its old self on update). When the schema
 * validation already found blocking errors, upstream checks no rule and says so; `schemaErrors` carries them.
 */
export function validateCrdRules(schema: Schema, obj: Record<string, unknown>, old?: Record<string, unknown>, schemaErrors: FieldError[] = []): FieldError[] {
  if (!hasRules(schema)) return [];
  if (schemaErrors.some((e) => BLOCKING.has(e.type)))
    return [
      {
        type: 'FieldValueInvalid',
        field: '<nil>',
        badValue: 'null',
        detail: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      },
    ];
  // the root's self sees only metadata.name and metadata.generateName, as upstream's
  const meta = (o: Record<string, unknown> | undefined) => {
    const m = (o?.metadata ?? {}) as Record<string, unknown>;
    return Object.fromEntries(['name', 'generateName'].filter((k) => m[k] !== undefined).map((k) => [k, m[k]]));
  };
  const errs: FieldError[] = [];
  check({ ...obj, metadata: meta(obj) }, old && { ...old, metadata: meta(old) }, schema, '', errs);
  return errs;
}

function hasRules(s: Schema | undefined): boolean {
  if (!s) return false;
  if (rulesOf(s).length) return true;
  if (Object.values(s.properties ?? {}).some(hasRules)) return true;
  return hasRules(s.items) || (typeof s.additionalProperties === 'object' && hasRules(s.additionalProperties));
}

function goRule(r: ValidationRule): string {
  const q = (x: unknown) => JSON.stringify(String(x ?? ''));
  const reason = r.reason ? `(*apiextensions.FieldValueErrorReason)(${q(r.reason)})` : '(*apiextensions.FieldValueErrorReason)(nil)';
  const oos = r.optionalOldSelf === undefined ? '(*bool)(nil)' : `(*bool)(${r.optionalOldSelf})`;
  return `apiextensions.ValidationRule{Rule:${q(r.rule)}, Message:${q(r.message)}, MessageExpression:${q(r.messageExpression)}, Reason:${reason}, FieldPath:${q(r.fieldPath)}, OptionalOldSelf:${oos}}`;
}

/** A CRD's rules must compile: `…x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{…}: compilation failed: …` */
export function compileCrdRules(s: Schema | undefined, path: string): FieldError[] {
  if (!s) return [];
  const errs: FieldError[] = [];
  rulesOf(s).forEach((r, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    if (!r?.rule) {
      errs.push(required(`${at}.rule`, ''));
      return;
    }
    for (const [field, expr] of [
      ['rule', r.rule],
      ['messageExpression', r.messageExpression],
    ] as const) {
      if (!expr) continue;
      try {
        compileCel(expr);
      } catch (e) {
        errs.push(
          goInvalid(
            `${at}.${field}`,
            goRule(r),
            `${field === 'rule' ? 'compilation' : 'messageExpression compilation'} failed: ERROR: ${(e as Error).message}`,
          ),
        );
      }
    }
    if (r.message?.includes('\n')) errs.push(invalid(`${at}.message`, r.message, 'message must not contain line breaks'));
  });
  for (const [k, p] of Object.entries(s.properties ?? {})) errs.push(...compileCrdRules(p, `${path}.properties[${k}]`));
  if (s.items) errs.push(...compileCrdRules(s.items, `${path}.items`));
  if (typeof s.additionalProperties === 'object') errs.push(...compileCrdRules(s.additionalProperties, `${path}.additionalProperties`));
  return errs;
}
