// apiextensions.k8s.io/v1 CustomResourceDefinition (cluster-scoped). The schema is checked only for its outline:
// serving the custom resources (structural pruning, schema validation) is the API server's job.
import type { FieldError } from '../../errors';
import { forbidden, immutable, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from '../../validation/names';
import { createdAtCol, keepSpec, nameCol, setGeneration } from '../strategy-helpers';
import { clone, deepEqual } from '../../object';
import { goInvalid } from '../go-format';
import { compileCrdRules } from '../../openapi/crd-rules';

const SCOPES = ['Cluster', 'Namespaced'];
const CONVERSION_STRATEGIES = ['None', 'Webhook'];

export function defaultCrd(obj: KObject): void {
  const spec = (obj.spec ??= {});
  const names = (spec.names ??= {});
  if (names.kind) {
    names.singular ||= String(names.kind).toLowerCase();
    names.listKind ||= `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
  for (const v of spec.versions ?? []) {
    for (const c of v.additionalPrinterColumns ?? []) c.priority ??= 0;
  }
}

function validateNames(names: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!names.plural) errs.push(required(`${path}.plural`, ''));
  else for (const m of isDNS1035Label(names.plural)) errs.push(invalid(`${path}.plural`, names.plural, m));
  if (names.singular) for (const m of isDNS1035Label(names.singular)) errs.push(invalid(`${path}.singular`, names.singular, m));
  if (!names.kind) errs.push(required(`${path}.kind`, ''));
  else if (!/^[A-Za-z][A-Za-z0-9]*$/.test(names.kind)) {
    for (const m of isDNS1035Label(String(names.kind).toLowerCase())) errs.push(invalid(`${path}.kind`, names.kind, m));
  }
  if (names.kind && names.kind === names.listKind) errs.push(invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  if (!names.listKind && names.kind) errs.push(required(`${path}.listKind`, ''));
  (names.shortNames ?? []).forEach((s: string, i: number) => {
    for (const m of isDNS1123Label(s)) errs.push(invalid(`${path}.shortNames[${i}]`, s, m));
  });
  (names.categories ?? []).forEach((s: string, i: number) => {
    for (const m of isDNS1123Label(s)) errs.push(invalid(`${path}.categories[${i}]`, s, m));
  });
  return errs;
}

function validateVersions(versions: any[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!versions.length) return [invalid(path, null, 'must have exactly one version marked as storage version')];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!v?.name) errs.push(required(`${p}.name`, ''));
    else {
      for (const m of isDNS1035Label(v.name)) errs.push(invalid(`${p}.name`, v.name, m));
      if (seen.has(v.name)) errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, badValue: v.name });
      seen.add(v.name);
    }
    const schema = v?.schema?.openAPIV3Schema;
    if (!schema) errs.push(required(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
    else if (schema.type !== 'object') {
      errs.push(
        schema.type
          ? invalid(`${p}.schema.openAPIV3Schema.type`, schema.type, 'must be object at the root')
          : required(`${p}.schema.openAPIV3Schema.type`, 'must not be empty at the root'),
      );
    }
    errs.push(...compileCrdRules(schema, `${p}.schema.openAPIV3Schema`));
    (v?.additionalPrinterColumns ?? []).forEach((c: any, j: number) => {
      const cp = `${p}.additionalPrinterColumns[${j}]`;
      if (!c?.name) errs.push(required(`${cp}.name`, ''));
      if (!c?.type) errs.push(required(`${cp}.type`, ''));
      else if (!['integer', 'number', 'string', 'boolean', 'date'].includes(c.type))
        errs.push(notSupported(`${cp}.type`, c.type, ['boolean', 'date', 'integer', 'number', 'string']));
      if (!c?.jsonPath) errs.push(required(`${cp}.JSONPath`, ''));
    });
  });
  const storage = versions.filter((v) => v?.storage).length;
  if (storage !== 1)
    errs.push(goInvalid(path, `[]apiextensions.CustomResourceDefinitionVersion{...}`, 'must have exactly one version marked as storage version'));
  if (!versions.some((v) => v?.served)) errs.push(invalid(path, null, 'must have at least one served version'));
  return errs;
}

function validateCrd(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  const names = spec.names ?? {};
  if (obj.metadata.name !== `${names.plural}.${spec.group}`) {
    errs.push(invalid('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (!spec.group) errs.push(required('spec.group', ''));
  else {
    const m = isDNS1123Subdomain(spec.group);
    if (m.length) errs.push(...m.map((x) => invalid('spec.group', spec.group, x)));
    else if (!spec.group.includes('.')) errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  }
  if (!SCOPES.includes(spec.scope)) errs.push(spec.scope ? notSupported('spec.scope', spec.scope, SCOPES) : required('spec.scope', ''));
  errs.push(...validateNames(names, 'spec.names'));
  errs.push(...validateVersions(spec.versions ?? [], 'spec.versions'));
  const cs = spec.conversion?.strategy;
  if (cs && !CONVERSION_STRATEGIES.includes(cs)) errs.push(notSupported('spec.conversion.strategy', cs, CONVERSION_STRATEGIES));
  if (cs === 'Webhook' && !spec.conversion.webhook) errs.push(required('spec.conversion.webhook', 'required when strategy is set to Webhook'));
  return errs;
}

function validateCrdUpdate(obj: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.spec?.group !== old.spec?.group) errs.push(immutable('spec.group', obj.spec?.group));
  if (obj.spec?.scope !== old.spec?.scope) errs.push(immutable('spec.scope', obj.spec?.scope));
  if (obj.spec?.names?.plural !== old.spec?.names?.plural) errs.push(immutable('spec.names.plural', obj.spec?.names?.plural));
  // a version still holding stored objects cannot disappear from the spec
  const names = new Set((obj.spec?.versions ?? []).map((v: any) => v?.name));
  (old.status?.storedVersions ?? []).forEach((sv: string) => {
    if (!names.has(sv)) errs.push(invalid('status.storedVersions', old.status.storedVersions, `must appear in spec.versions`));
  });
  return errs;
}

export const customResourceDefinitionStrategy: KindStrategy = {
  info: {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    resource: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    storagePrefix: 'apiextensions.k8s.io/customresourcedefinitions',
    subresources: { status: true },
  },
  defaults: defaultCrd,
  prepareForCreate: (obj) => {
    const storageVersion = (obj.spec?.versions ?? []).find((v: any) => v?.storage)?.name;
    obj.status = { storedVersions: storageVersion ? [storageVersion] : [] };
    setGeneration(obj, 1);
  },
  prepareForUpdate: (obj, old) => {
    const status = old.status ? clone(old.status) : {};
    // storing objects in a new version adds it to storedVersions, as upstream's strategy does
    const sv = (obj.spec?.versions ?? []).find((v: any) => v?.storage)?.name;
    status.storedVersions ??= [];
    if (sv && !status.storedVersions.includes(sv)) status.storedVersions.push(sv);
    obj.status = status;
    if (!deepEqual(obj.spec, old.spec)) setGeneration(obj, (old.metadata.generation ?? 1) + 1);
    else setGeneration(obj, old.metadata.generation ?? 1);
  },
  prepareForStatusUpdate: keepSpec,
  validate: validateCrd,
  validateUpdate: validateCrdUpdate,
  validateStatusUpdate: (obj) =>
    (obj.status?.storedVersions ?? []).length ? [] : [forbidden('status.storedVersions', 'must have at least one stored version')],
  table: { columns: [nameCol, createdAtCol], row: (obj) => [obj.metadata.name, obj.metadata.creationTimestamp ?? null] },
  returnDeletedObject: true,
};
