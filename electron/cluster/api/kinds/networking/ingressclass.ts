// networking.k8s.io/v1 IngressClass (cluster-scoped).
import type { FieldError } from '../../errors';
import { immutable, invalid, required, tooLong } from '../../errors';
import type { KindStrategy } from '../../kind';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names';
import { validateTypedLocalRef } from './ingress';
import { age, ageCol, col, nameCol, setGeneration } from '../strategy-helpers';

const MAX_CONTROLLER = 250;

function validateController(c: unknown): FieldError[] {
  if (!c) return [required('spec.controller', '')];
  const s = String(c);
  if (s.length > MAX_CONTROLLER) return [tooLong('spec.controller', s, MAX_CONTROLLER)];
  const slash = s.indexOf('/');
  if (slash <= 0 || isDNS1123Subdomain(s.slice(0, slash)).length) {
    return [invalid('spec.controller', s, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  return [];
}

function validateParameters(p: any): FieldError[] {
  if (!p) return [];
  const errs: FieldError[] = validateTypedLocalRef(p, 'spec.parameters');
  if (p.scope !== undefined && p.scope !== 'Cluster' && p.scope !== 'Namespace') {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.parameters.scope', badValue: p.scope, detail: 'supported values: "Cluster", "Namespace"' });
  } else if (p.scope === 'Namespace') {
    if (p.namespace == null) errs.push(required('spec.parameters.namespace', "`parameters.scope` is set to 'Namespace'"));
    else for (const m of isDNS1123Label(p.namespace)) errs.push(invalid('spec.parameters.namespace', p.namespace, m));
  } else if (p.scope === 'Cluster' && p.namespace != null)
    errs.push({ type: 'FieldValueForbidden', field: 'spec.parameters.namespace', detail: "`parameters.scope` is set to 'Cluster'" });
  return errs;
}

export const ingressClassStrategy: KindStrategy = {
  info: {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'IngressClass',
    resource: 'ingressclasses',
    singular: 'ingressclass',
    namespaced: false,
    storagePrefix: 'ingressclasses',
  },
  defaults: (obj) => {
    const p = obj.spec?.parameters;
    if (p) p.scope ??= 'Cluster';
  },
  prepareForCreate: (obj) => {
    setGeneration(obj, 1);
  },
  validate: (obj) => [...validateController(obj.spec?.controller), ...validateParameters(obj.spec?.parameters)],
  validateUpdate: (obj, old) => (obj.spec?.controller === old.spec?.controller ? [] : [immutable('spec.controller', obj.spec?.controller)]),
  table: {
    columns: [
      nameCol,
      col('Controller', 'string', 'Controller that is responsible for handling this class'),
      col('Parameters', 'string', 'A reference to a resource with additional parameters'),
      ageCol,
    ],
    row(obj, now) {
      const p = obj.spec?.parameters;
      const params = p ? `${p.kind}${p.apiGroup ? '.' + p.apiGroup : ''}/${p.name}` : '<none>';
      return [obj.metadata.name, obj.spec?.controller ?? '', params, age(obj, now)];
    },
  },
};
