// Custom resources against their structural schema over HTTPS: values of the wrong type are refused with
// apiextensions-apiserver's field errors (never silently dropped), unknown fields are pruned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import { httpGet, httpRequest } from './handlers/streaming/testing/ws-client';

let t: TestCluster;
const base = '/apis/lab.example.com/v1/namespaces/default/people';

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  await t.client.create(R.customresourcedefinitions, undefined, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'people.lab.example.com' },
    spec: {
      group: 'lab.example.com',
      scope: 'Namespaced',
      names: { plural: 'people', singular: 'person', kind: 'Person' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    age: { type: 'integer', minimum: 0 },
                    name: { type: 'string', maxLength: 5 },
                    born: { type: 'string', format: 'date' },
                    tags: { type: 'array', items: { type: 'string' } },
                    role: { type: 'string', enum: ['a', 'b'] },
                  },
                },
              },
            },
          },
        },
      ],
    },
  });
  await waitFor(async () => (await httpGet(t.cluster, base)).status === 200, { what: 'people served' });
});
afterAll(async () => {
  await t?.stop();
});

const person = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'lab.example.com/v1', kind: 'Person', metadata: { name }, spec });

describe('custom resource schema validation', () => {
  it('refuses a string where the schema says integer, naming the field, instead of dropping it', async () => {
    const r = await httpRequest(t.cluster, 'POST', base, person('p1', { age: 'thirty' }));
    expect(r.status).toBe(422);
    const st = JSON.parse(r.body);
    expect(st.message).toBe('Person.lab.example.com "p1" is invalid: spec.age: Invalid value: "string": spec.age in body must be of type integer: "string"');
    expect(st.details.causes).toEqual([
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.age in body must be of type integer: "string"', field: 'spec.age' },
    ]);
  });

  it('reports every violation with upstream wording, formats included', async () => {
    const r = await httpRequest(t.cluster, 'POST', base, person('p2', { age: -1, name: 'toolongname', born: 'yesterday', tags: 'x', role: 'c' }));
    expect(r.status).toBe(422);
    const msgs = JSON.parse(r.body).details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        'spec.age: Invalid value: -1: spec.age in body should be greater than or equal to 0',
        'spec.name: Too long: may not be more than 5 bytes',
        'spec.born: Invalid value: "yesterday": spec.born in body must be of type date: "yesterday"',
        'spec.tags: Invalid value: "string": spec.tags in body must be of type array: "string"',
        'spec.role: Unsupported value: "c": supported values: "a", "b"',
      ]),
    );
  });

  it('prunes only unknown fields', async () => {
    const r = await httpRequest(t.cluster, 'POST', base, person('p3', { age: 30, extra: true }));
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body).spec).toEqual({ age: 30 });
  });
});
