// x-kubernetes-validations over HTTPS: CEL rules of a CRD's schema refuse custom resources with upstream's
// 422 (the node's path, its schema type as the value, the rule's message), transition rules see oldSelf on
// update only, and a rule that does not compile refuses the CRD itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import { httpGet, httpRequest } from './handlers/streaming/testing/ws-client';

let t: TestCluster;
const base = '/apis/rules.example.com/v1/namespaces/default/pools';

const POOL_PROPERTIES = {
  replicas: { type: 'integer', default: 1 },
  size: { type: 'string' },
  queue: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'queue is immutable' }] },
};
const crd = (
  rules: unknown[],
  name = 'pools.rules.example.com',
  plural = 'pools',
  kind = plural === 'pools' ? 'Pool' : 'Broken',
  properties: object = POOL_PROPERTIES,
) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name },
  spec: {
    group: 'rules.example.com',
    scope: 'Namespaced',
    names: { plural, kind },
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
                'x-kubernetes-validations': rules,
                properties,
              },
            },
          },
        },
      },
    ],
  },
});

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  await t.client.create(
    R.customresourcedefinitions,
    undefined,
    crd([
      { rule: "self.size != 'large' || self.replicas <= 5", message: 'a large pool runs at most 5 replicas' },
      { rule: 'self.replicas >= 0' },
      {
        rule: "!has(self.size) || self.size != 'huge'",
        fieldPath: '.size',
        reason: 'FieldValueForbidden',
        messageExpression: "'size ' + self.size + ' is not sold'",
      },
    ]),
  );
  await waitFor(async () => (await httpGet(t.cluster, base)).status === 200, { what: 'pools served' });
});
afterAll(async () => {
  await t?.stop();
});

const pool = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'rules.example.com/v1', kind: 'Pool', metadata: { name }, spec });

describe('CRD CEL validation rules', () => {
  it('refuses an object that breaks a rule, at the rule node, with the schema type as the value', async () => {
    const r = await httpRequest(t.cluster, 'POST', base, pool('big', { size: 'large', replicas: 6 }));
    expect(r.status).toBe(422);
    const st = JSON.parse(r.body);
    expect(st.message).toBe('Pool.rules.example.com "big" is invalid: spec: Invalid value: "object": a large pool runs at most 5 replicas');
    expect(st.details.causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "object": a large pool runs at most 5 replicas', field: 'spec' },
    ]);
  });

  it('rules see defaulted values; a rule without message says "failed rule"; fieldPath, reason and messageExpression shape the error', async () => {
    expect((await httpRequest(t.cluster, 'POST', base, pool('ok', { size: 'large' }))).status).toBe(201);
    const neg = await httpRequest(t.cluster, 'POST', base, pool('neg', { replicas: -1 }));
    expect(JSON.parse(neg.body).details.causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "object": failed rule: self.replicas >= 0', field: 'spec' },
    ]);
    const huge = await httpRequest(t.cluster, 'POST', base, pool('huge', { size: 'huge' }));
    expect(JSON.parse(huge.body).details.causes).toEqual([{ reason: 'FieldValueForbidden', message: 'Forbidden: size huge is not sold', field: 'spec.size' }]);
  });

  it('transition rules run on update only, against the old value', async () => {
    expect((await httpRequest(t.cluster, 'POST', base, pool('q', { queue: 'orders' }))).status).toBe(201);
    const r = await httpRequest(t.cluster, 'PATCH', `${base}/q`, { spec: { queue: 'payments' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(r.status).toBe(422);
    expect(JSON.parse(r.body).message).toBe('Pool.rules.example.com "q" is invalid: spec.queue: Invalid value: "string": queue is immutable');
    const scale = await httpRequest(
      t.cluster,
      'PATCH',
      `${base}/q`,
      { spec: { replicas: 3, size: 'large' } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(scale.status).toBe(200);
  });

  it('a rule that cannot be evaluated is reported with upstream\'s "evaluating rule" wording', async () => {
    const r = await httpRequest(t.cluster, 'POST', base, pool('nokey', { replicas: 6 }));
    expect(r.status).toBe(422);
    expect(JSON.parse(r.body).details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "object": no such key: size evaluating rule: self.size != 'large' || self.replicas <= 5`,
        field: 'spec',
      },
    ]);
  });

  it('skips the rules when the object has type errors, as upstream says', async () => {
    const r = await httpRequest(t.cluster, 'POST', base, pool('typo', { replicas: 'two', size: 'large' }));
    expect(r.status).toBe(422);
    expect(JSON.parse(r.body).details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`)).toEqual([
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('refuses a CRD whose rule does not compile', async () => {
    const r = await httpRequest(
      t.cluster,
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      crd([{ rule: 'self.replicas <' }], 'brokens.rules.example.com', 'brokens'),
    );
    expect(r.status).toBe(422);
    const cause = JSON.parse(r.body).details.causes[0];
    expect(cause.field).toBe('spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule');
    expect(cause.message).toMatch(/^Invalid value: apiextensions\.ValidationRule\{Rule:"self\.replicas <", .*\}: compilation failed: ERROR: /);
  });

  it('rules use the url and format libraries, and a URL that does not parse is reported in Go words', async () => {
    const links = crd(
      [
        { rule: "url(self.target).getHostname().endsWith('.example.com')", message: 'target must be on example.com' },
        {
          rule: '!format.dns1123Label().validate(self.slug).hasValue()',
          messageExpression: "'bad slug: ' + format.dns1123Label().validate(self.slug).value().join('; ')",
        },
      ],
      'links.rules.example.com',
      'links',
      'Link',
      { target: { type: 'string' }, slug: { type: 'string' } },
    );
    expect((await httpRequest(t.cluster, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', links)).status).toBe(201);
    const linkBase = '/apis/rules.example.com/v1/namespaces/default/links';
    await waitFor(async () => (await httpGet(t.cluster, linkBase)).status === 200, { what: 'links served' });
    const link = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'rules.example.com/v1', kind: 'Link', metadata: { name }, spec });
    expect((await httpRequest(t.cluster, 'POST', linkBase, link('docs', { target: 'https://docs.example.com/x?y=1', slug: 'docs' }))).status).toBe(201);
    const causes = async (spec: Record<string, unknown>) =>
      JSON.parse((await httpRequest(t.cluster, 'POST', linkBase, link('bad', spec))).body).details.causes.map((c: { message: string }) => c.message);
    expect(await causes({ target: 'https://evil.test/', slug: 'Docs' })).toEqual([
      'Invalid value: "object": target must be on example.com',
      `Invalid value: "object": bad slug: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
    expect(await causes({ target: 'docs/page', slug: 'docs' })).toEqual([
      `Invalid value: "object": URL parse error during conversion from string: parse "docs/page": invalid URI for request evaluating rule: url(self.target).getHostname().endsWith('.example.com')`,
    ]);
  });
  it("format-typed fields and CEL's format library check dates, date-times, base64 and URIs alike, as kube-openapi's strfmt", async () => {
    const guarded = (field: string, fmt: string) => ({
      rule: `!has(self.${field}) || !format.${fmt}().validate(self.${field}).hasValue()`,
      messageExpression: `'${field}: ' + format.${fmt}().validate(self.${field}).value().join(', ')`,
    });
    const stamps = crd([guarded('when', 'datetime'), guarded('on', 'date'), guarded('raw', 'byte')], 'stamps.rules.example.com', 'stamps', 'Stamp', {
      day: { type: 'string', format: 'date' },
      at: { type: 'string', format: 'date-time' },
      blob: { type: 'string', format: 'byte' },
      home: { type: 'string', format: 'uri' },
      when: { type: 'string' },
      on: { type: 'string' },
      raw: { type: 'string' },
      tier: { type: 'string', enum: ['gold', 'silver'] },
    });
    expect((await httpRequest(t.cluster, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', stamps)).status).toBe(201);
    const stampBase = '/apis/rules.example.com/v1/namespaces/default/stamps';
    await waitFor(async () => (await httpGet(t.cluster, stampBase)).status === 200, { what: 'stamps served' });
    const post = (name: string, spec: Record<string, unknown>) =>
      httpRequest(t.cluster, 'POST', stampBase, { apiVersion: 'rules.example.com/v1', kind: 'Stamp', metadata: { name }, spec });
    const causes = async (spec: Record<string, unknown>) =>
      JSON.parse((await post('bad', spec)).body).details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`);

    // a date must exist in the calendar, a date-time needs the 'T' and a zone, base64 is never empty, a URI parses
    expect(await causes({ day: '2023-02-30', at: '2023-01-01 10:00:00Z', blob: '', home: 'not a uri' })).toEqual([
      'spec.day: Invalid value: "2023-02-30": spec.day in body must be of type date: "2023-02-30"',
      'spec.at: Invalid value: "2023-01-01 10:00:00Z": spec.at in body must be of type date-time: "2023-01-01 10:00:00Z"',
      'spec.blob: Invalid value: "": spec.blob in body must be of type byte: ""',
      'spec.home: Invalid value: "not a uri": spec.home in body must be of type uri: "not a uri"',
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
    expect(await causes({ when: '2023-01-01T10:00:00', on: '2023-02-30', raw: '' })).toEqual([
      'spec: Invalid value: "object": when: invalid datetime',
      'spec: Invalid value: "object": on: invalid date',
      'spec: Invalid value: "object": raw: invalid base64',
    ]);
    // a value outside its enum blocks the rules as a type error does (upstream's hasBlockingErr)
    expect(await causes({ tier: 'bronze', when: 'yesterday' })).toEqual([
      'spec.tier: Unsupported value: "bronze": supported values: "gold", "silver"',
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
    const good = await post('good', {
      day: '2024-02-29',
      at: '2023-01-01t10:00:00.5+02:00',
      blob: 'aGVsbG8=',
      home: 'https://example.com/x',
      when: '2023-01-01T10:00:00Z',
      on: '0000-01-01',
      raw: 'aGVsbG8=',
    });
    expect([good.status, good.status === 201 ? '' : good.body]).toEqual([201, '']);
  });
});
