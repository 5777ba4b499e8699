// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (cluster-scoped):
// upstream's defaults, the main validation rules and table columns. The policies are enforced by
// admission/validating-policy.
import type { FieldError } from '../../errors';
import { forbidden, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { age, ageCol, col, nameCol } from '../strategy-helpers';
import { validateLabelSelector } from '../../validation/selectors';
import { compileCel } from '../../cel';

/** upstream compiles every expression when a policy is written: a syntax error is a validation error there */
function compileErrors(expr: unknown, path: string): FieldError[] {
  if (typeof expr !== 'string' || !expr) return [];
  try {
    compileCel(expr);
    return [];
  } catch (err) {
    return [invalid(path, expr, `compilation failed: ERROR: <input>: ${(err as Error).message.split('\n')[0]}`)];
  }
}

const FAILURE_POLICIES = ['Fail', 'Ignore'];
const ACTIONS = ['Audit', 'Deny', 'Warn'];

function defaultMatch(m: any): void {
  if (!m) return;
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  for (const r of [...(m.resourceRules ?? []), ...(m.excludeResourceRules ?? [])]) r.scope ??= '*';
}

function validatePolicy(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.matchConstraints) errs.push(required('spec.matchConstraints', ''));
  else {
    if (!spec.matchConstraints.resourceRules?.length) errs.push(required('spec.matchConstraints.resourceRules', ''));
    errs.push(...validateLabelSelector(spec.matchConstraints.namespaceSelector, 'spec.matchConstraints.namespaceSelector'));
    errs.push(...validateLabelSelector(spec.matchConstraints.objectSelector, 'spec.matchConstraints.objectSelector'));
  }
  if (!spec.validations?.length && !spec.auditAnnotations?.length)
    errs.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  (spec.validations ?? []).forEach((v: any, i: number) => {
    if (!v.expression) errs.push(required(`spec.validations[${i}].expression`, ''));
    errs.push(
      ...compileErrors(v.expression, `spec.validations[${i}].expression`),
      ...compileErrors(v.messageExpression, `spec.validations[${i}].messageExpression`),
    );
  });
  (spec.matchConditions ?? []).forEach((c: any, i: number) => errs.push(...compileErrors(c.expression, `spec.matchConditions[${i}].expression`)));
  (spec.variables ?? []).forEach((c: any, i: number) => errs.push(...compileErrors(c.expression, `spec.variables[${i}].expression`)));
  if (spec.failurePolicy && !FAILURE_POLICIES.includes(spec.failurePolicy)) errs.push(notSupported('spec.failurePolicy', spec.failurePolicy, FAILURE_POLICIES));
  return errs;
}

function validateBinding(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.policyName) errs.push(required('spec.policyName', ''));
  const actions: string[] = spec.validationActions ?? [];
  if (!actions.length) errs.push(required('spec.validationActions', ''));
  actions.forEach((a, i) => {
    if (!ACTIONS.includes(a)) errs.push(notSupported(`spec.validationActions[${i}]`, a, ACTIONS));
  });
  if (actions.includes('Deny') && actions.includes('Warn'))
    errs.push(
      invalid(
        'spec.validationActions',
        actions,
        'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
      ),
    );
  if (spec.paramRef && spec.paramRef.name && spec.paramRef.selector) errs.push(forbidden('spec.paramRef.name', 'name and selector are mutually exclusive'));
  return errs;
}

export const validatingAdmissionPolicyStrategy: KindStrategy = {
  info: {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingAdmissionPolicy',
    resource: 'validatingadmissionpolicies',
    singular: 'validatingadmissionpolicy',
    namespaced: false,
    storagePrefix: 'validatingadmissionpolicies',
    categories: ['api-extensions'],
    subresources: { status: true },
  },
  defaults: (obj) => {
    const spec = (obj.spec ??= {});
    spec.failurePolicy ??= 'Fail';
    defaultMatch(spec.matchConstraints);
  },
  validate: validatePolicy,
  table: {
    columns: [
      nameCol,
      col('Validations', 'integer', 'Validations is the number of validations in this policy.'),
      col('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
      ageCol,
    ],
    row: (obj, now) => [
      obj.metadata.name,
      (obj.spec?.validations ?? []).length,
      obj.spec?.paramKind ? `${obj.spec.paramKind.apiVersion}/${obj.spec.paramKind.kind}` : '<unset>',
      age(obj, now),
    ],
  },
};

export const validatingAdmissionPolicyBindingStrategy: KindStrategy = {
  info: {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    resource: 'validatingadmissionpolicybindings',
    singular: 'validatingadmissionpolicybinding',
    namespaced: false,
    storagePrefix: 'validatingadmissionpolicybindings',
    categories: ['api-extensions'],
  },
  defaults: (obj) => {
    defaultMatch(obj.spec?.matchResources);
  },
  validate: validateBinding,
  table: {
    columns: [
      nameCol,
      col('PolicyName', 'string', 'PolicyName indicates the name of the ValidatingAdmissionPolicy this binding references.'),
      col('ParamRef', 'string', 'ParamRef indicates the param resource this binding references.'),
      ageCol,
    ],
    row: (obj, now) => {
      const p = obj.spec?.paramRef;
      const ref = !p ? '<unset>' : p.name ? `${p.namespace ? `${p.namespace}/` : ''}${p.name}` : `${p.namespace ? `${p.namespace}/` : '*/'}*`;
      return [obj.metadata.name, obj.spec?.policyName ?? '', ref, age(obj, now)];
    },
  },
};
