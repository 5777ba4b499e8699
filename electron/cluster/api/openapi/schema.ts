// The schema catalogue (generated from kubernetes-types by scripts/gen-openapi.mjs) and helpers to walk it.

/** An OpenAPI v3 schema object as upstream publishes it (only the parts KubeLab reads are typed). */
export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  $ref?: string;
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; kind: string; version: string }[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  [extension: string]: unknown;
}

export type Definitions = Record<string, Schema>;

export const REF_PREFIX = '#/components/schemas/';

let catalogue: Definitions | undefined;

/** The built-in definitions, keyed by upstream name (io.k8s.api.core.v1.Pod ...). Loaded once, never mutate. */
export function getDefinitions(): Definitions {
  // require keeps the 900 KiB literal out of the type checker; esbuild still bundles it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  catalogue ??= require('./generated/definitions.json') as Definitions;
  return catalogue;
}

let byGvk: Map<string, string> | undefined;

/** Definition name of a served kind, e.g. ('apps','v1','Deployment') → 'io.k8s.api.apps.v1.Deployment'. */
export function schemaForKind(group: string, version: string, kind: string, extra?: Definitions): string | undefined {
  const key = `${group}/${version}/${kind}`;
  if (extra) {
    for (const [name, def] of Object.entries(extra)) {
      if (def['x-kubernetes-group-version-kind']?.some((g) => `${g.group}/${g.version}/${g.kind}` === key)) return name;
    }
  }
  if (!byGvk) {
    byGvk = new Map();
    for (const [name, def] of Object.entries(getDefinitions())) {
      for (const g of def['x-kubernetes-group-version-kind'] ?? []) {
        const k = `${g.group}/${g.version}/${g.kind}`;
        if (!byGvk.has(k)) byGvk.set(k, name);
      }
    }
  }
  return byGvk.get(key);
}

/** Looks a definition up in the extra set first (CRDs), then the catalogue. */
export function lookupDefinition(name: string, extra?: Definitions): Schema | undefined {
  return extra?.[name] ?? getDefinitions()[name];
}

export interface Resolved {
  /** definition name when the schema came through a $ref */
  name?: string;
  schema: Schema;
}

/** Follows `$ref` and upstream's single-element `allOf` wrapping until reaching a concrete schema. */
export function resolve(schema: Schema | undefined, extra?: Definitions): Resolved | undefined {
  let name: string | undefined;
  let s = schema;
  for (let guard = 0; s && guard < 16; guard++) {
    if (s.$ref) {
      name = s.$ref.startsWith(REF_PREFIX) ? s.$ref.slice(REF_PREFIX.length) : s.$ref;
      s = lookupDefinition(name, extra);
    } else if (s.allOf && s.allOf.length === 1 && !s.type && !s.properties) {
      s = s.allOf[0];
    } else {
      return { name, schema: s };
    }
  }
  return undefined;
}

/** The schema of `field` inside an object schema, still wrapped (so list metadata on the property stays visible). */
export function propertySchema(objectSchema: Schema | undefined, field: string, extra?: Definitions): Schema | undefined {
  const r = resolve(objectSchema, extra);
  if (!r) return undefined;
  const p = r.schema.properties?.[field];
  if (p) return p;
  const ap = r.schema.additionalProperties;
  return typeof ap === 'object' ? ap : undefined;
}

/** Upstream's special scalar definitions, decoded by custom unmarshallers rather than as structs. */
export type SpecialType = 'Quantity' | 'IntOrString' | 'Time' | 'MicroTime' | 'RawExtension' | 'FieldsV1' | 'JSON';
export function specialType(defName: string | undefined): SpecialType | undefined {
  switch (defName) {
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity':
      return 'Quantity';
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString':
      return 'IntOrString';
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.Time':
      return 'Time';
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime':
      return 'MicroTime';
    case 'io.k8s.apimachinery.pkg.runtime.RawExtension':
      return 'RawExtension';
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1':
      return 'FieldsV1';
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON':
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray':
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool':
    case 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray':
      return 'JSON';
    default:
      return undefined;
  }
}

/** "v1.PodSpec" for io.k8s.api.core.v1.PodSpec: the Go package name plus type, as Go's %v of a type prints. */
export function goTypeOfDefinition(defName: string): string {
  const parts = defName.split('.');
  return parts.slice(-2).join('.');
}
export function shortName(defName: string): string {
  return defName.slice(defName.lastIndexOf('.') + 1);
}

/** List semantics of a property schema, combining list-type and the older patch annotations as upstream does. */
export interface ListSemantics {
  kind: 'atomic' | 'set' | 'map';
  keys: string[];
}
export function listSemantics(prop: Schema | undefined, extra?: Definitions): ListSemantics {
  if (!prop) return { kind: 'atomic', keys: [] };
  const lt = prop['x-kubernetes-list-type'];
  const mk = prop['x-kubernetes-patch-merge-key'];
  const merge = (prop['x-kubernetes-patch-strategy'] ?? '').split(',').includes('merge');
  if (lt === 'map') return { kind: 'map', keys: prop['x-kubernetes-list-map-keys'] ?? (mk ? [mk] : []) };
  if (lt === 'set') return { kind: 'set', keys: [] };
  if (lt === 'atomic') return { kind: 'atomic', keys: [] };
  if (merge && mk) return { kind: 'map', keys: [mk] };
  if (merge) {
    const items = resolve(prop.items, extra)?.schema;
    if (items && items.type !== 'object') return { kind: 'set', keys: [] };
  }
  return { kind: 'atomic', keys: [] };
}
