// The OpenAPI v2 (Swagger 2.0) document kube-apiserver serves at /openapi/v2, derived from the v3 catalogue.
// kubectl still reads it for client-side validation of `kind: List` files (v1 List has no v3 path to ask the
// server about), in protobuf: gnostic's openapi_v2.Document, whose field numbers come from the wire schema.
import YAML from 'yaml';
import { type Definitions, type Schema, REF_PREFIX } from './schema';

const V2_REF = '#/definitions/';

/** one v3 schema as v2 writes it: $ref paths under #/definitions, allOf-wrapped refs unwrapped, oneOf types as string */
export function toSwaggerSchema(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0].$ref : undefined);
  if (ref) out.$ref = V2_REF + ref.slice(REF_PREFIX.length);
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined || k === '$ref' || k === 'allOf' || k === 'oneOf' || k === 'anyOf' || k === 'nullable') continue;
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([n, p]) => [n, toSwaggerSchema(p)]));
    else if (k === 'items') out.items = toSwaggerSchema(v as Schema);
    else if (k === 'additionalProperties') out.additionalProperties = typeof v === 'object' ? toSwaggerSchema(v as Schema) : v;
    else out[k] = v;
  }
  // Quantity and IntOrString are one of several JSON types in v3; v2 publishes them as strings
  if (!ref && !out.type && (s.oneOf || s.anyOf)) out.type = 'string';
  return out;
}

export function swaggerDocument(defs: Definitions, version: string): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  for (const name of Object.keys(defs).sort()) definitions[name] = toSwaggerSchema(defs[name]);
  return { swagger: '2.0', info: { title: 'Kubernetes', version }, paths: {}, definitions };
}

const anyOf = (v: unknown) => ({ yaml: YAML.stringify(v) });

/** a v2 schema in gnostic's message shape (JSON names of openapi_v2.Schema) */
function gnosticSchema(s: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const ext: { name: string; value: unknown }[] = [];
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case '$ref':
        out._ref = v;
        break;
      case 'type':
        out.type = { value: [v] };
        break;
      case 'items':
        out.items = { schema: [gnosticSchema(v as Record<string, unknown>)] };
        break;
      case 'properties':
        out.properties = {
          additional_properties: Object.entries(v as Record<string, Record<string, unknown>>).map(([name, p]) => ({ name, value: gnosticSchema(p) })),
        };
        break;
      case 'additionalProperties':
        out.additional_properties = typeof v === 'object' ? { schema: gnosticSchema(v as Record<string, unknown>) } : { boolean: v };
        break;
      case 'default':
      case 'example':
        out[k] = anyOf(v);
        break;
      case 'enum':
        out.enum = (v as unknown[]).map(anyOf);
        break;
      case 'maxLength':
      case 'minLength':
      case 'maxItems':
      case 'minItems':
      case 'maxProperties':
      case 'minProperties':
      case 'multipleOf':
      case 'maximum':
      case 'minimum':
      case 'exclusiveMaximum':
      case 'exclusiveMinimum':
      case 'uniqueItems':
      case 'readOnly':
        out[k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())] = v;
        break;
      case 'format':
      case 'title':
      case 'description':
      case 'pattern':
      case 'required':
      case 'discriminator':
        out[k] = v;
        break;
      default:
        if (k.startsWith('x-')) ext.push({ name: k, value: anyOf(v) });
    }
  }
  if (ext.length) out.vendor_extension = ext;
  return out;
}

/** the document as the JSON-named object encodeMessage('…openapiv2.Document') takes */
export function gnosticDocument(doc: Record<string, unknown>): Record<string, unknown> {
  const defs = doc.definitions as Record<string, Record<string, unknown>>;
  return {
    swagger: doc.swagger,
    info: doc.info,
    paths: {},
    definitions: { additional_properties: Object.entries(defs).map(([name, s]) => ({ name, value: gnosticSchema(s) })) },
  };
}
