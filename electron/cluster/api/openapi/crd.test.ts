import { describe, expect, it } from 'vitest';
import { fieldErrorString } from '../errors';
import { applyCrdDefaults, crdSchemaToDefinition, validateCrdObject, type Schema } from './index';

const schema: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['domain'],
      properties: {
        domain: { type: 'string', minLength: 3, maxLength: 20, pattern: '^[a-z.]+$' },
        replicas: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
        tier: { type: 'string', enum: ['web', 'db'] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
        tls: { type: 'object', default: {}, properties: { enabled: { type: 'boolean', default: false } } },
      },
    },
  },
};
const messages = (obj: Record<string, unknown>) => validateCrdObject(schema, obj).map(fieldErrorString);

describe('validateCrdObject', () => {
  it('accepts a valid object', () => {
    expect(messages({ apiVersion: 'lab.example.com/v1', kind: 'Website', metadata: { name: 'a' }, spec: { domain: 'blog.example', replicas: 2 } })).toEqual([]);
  });
  it('reports bounds, required, types, enums, patterns, lengths and item counts like apiextensions-apiserver', () => {
    expect(messages({ spec: { domain: 'blog.example', replicas: 9 } })).toEqual([
      'spec.replicas: Invalid value: 9: spec.replicas in body should be less than or equal to 5',
    ]);
    expect(messages({ spec: { domain: 'blog.example', replicas: 0 } })).toEqual([
      'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
    ]);
    expect(messages({ spec: {} })).toEqual(['spec.domain: Required value']);
    expect(messages({ spec: { domain: 'abc', replicas: 'string' } })).toEqual([
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    ]);
    expect(messages({ spec: { domain: 'abc', tier: 'cache' } })).toEqual(['spec.tier: Unsupported value: "cache": supported values: "web", "db"']);
    expect(messages({ spec: { domain: 'ABC' } })).toEqual(['spec.domain: Invalid value: "ABC": spec.domain in body should match \'^[a-z.]+$\'']);
    expect(messages({ spec: { domain: 'ab' } })).toEqual(['spec.domain: Invalid value: "ab": spec.domain in body should be at least 3 chars long']);
    expect(messages({ spec: { domain: 'a'.repeat(21) } })).toEqual(['spec.domain: Too long: may not be more than 20 bytes']);
    expect(messages({ spec: { domain: 'abc', tags: [] } })).toEqual(['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items']);
    expect(messages({ spec: { domain: 'abc', tags: ['a', 'b', 'c'] } })).toEqual(['spec.tags: Too many: 3: must have at most 2 items']);
    expect(messages({ spec: { domain: 'abc', tags: [1] } })).toEqual([
      'spec.tags[0]: Invalid value: "integer": spec.tags[0] in body must be of type string: "integer"',
    ]);
  });
});

describe('applyCrdDefaults', () => {
  it('fills missing fields top-down, including inside defaulted objects', () => {
    const obj = applyCrdDefaults(schema, { spec: { domain: 'abc' } as Record<string, unknown> });
    expect(obj.spec).toEqual({ domain: 'abc', replicas: 1, tls: { enabled: false } });
  });
  it('keeps values that are set', () => {
    expect(applyCrdDefaults(schema, { spec: { domain: 'abc', replicas: 3, tls: { enabled: true } } }).spec).toEqual({
      domain: 'abc',
      replicas: 3,
      tls: { enabled: true },
    });
  });
});

describe('crdSchemaToDefinition', () => {
  it('names definitions by reversed group and adds type meta and ObjectMeta', () => {
    const crd = {
      metadata: { name: 'websites.lab.example.com' },
      spec: {
        group: 'lab.example.com',
        names: { kind: 'Website', plural: 'websites' },
        versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: schema } }],
      },
    };
    const d = crdSchemaToDefinition(crd);
    expect(d.name).toBe('com.example.lab.v1.Website');
    expect(d.listName).toBe('com.example.lab.v1.WebsiteList');
    const def = d.definitions[d.name];
    expect(def['x-kubernetes-group-version-kind']).toEqual([{ group: 'lab.example.com', kind: 'Website', version: 'v1' }]);
    expect(def.properties!.metadata.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    expect(def.properties!.spec.properties!.domain.type).toBe('string');
    expect(Object.keys(def.properties!)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });
});
