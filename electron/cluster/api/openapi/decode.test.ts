import { describe, expect, it } from 'vitest';
import { decodeStrict, findDuplicateFields, formatDecodeError, pruneUnknown } from './index';
import { crdSchemaToDefinition } from './crd-definition';
import { WEBSITE_CRD } from './website-crd.fixture';

const POD = 'io.k8s.api.core.v1.Pod';
const CM = 'io.k8s.api.core.v1.ConfigMap';
const DEPLOY = 'io.k8s.api.apps.v1.Deployment';

describe('decodeStrict: unknown fields', () => {
  it('reports a top-level unknown field with upstream wording', () => {
    const r = decodeStrict(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typo' }, dataa: { a: '1' } }, 'Strict');
    expect(r.errors).toEqual(['unknown field "dataa"']);
    expect(formatDecodeError('ConfigMap', 'v1', r)).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dataa"',
    );
  });

  it('reports nested unknown fields with indexes, including inside metadata', () => {
    const r = decodeStrict(
      DEPLOY,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x', lables: { a: 'b' } },
        spec: {
          replica: 2,
          template: {
            spec: {
              containers: [
                { name: 'a', image: 'nginx' },
                { name: 'b', imagePullPolice: 'Always', ports: [{ containerPorts: 80 }] },
              ],
            },
          },
        },
      },
      'Strict',
    );
    expect(r.errors).toEqual([
      'unknown field "metadata.lables"',
      'unknown field "spec.replica"',
      'unknown field "spec.template.spec.containers[1].imagePullPolice"',
      'unknown field "spec.template.spec.containers[1].ports[0].containerPorts"',
    ]);
    expect(formatDecodeError('Deployment', 'v1', r)).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ' +
        'unknown field "metadata.lables", unknown field "spec.replica", unknown field "spec.template.spec.containers[1].imagePullPolice", ' +
        'unknown field "spec.template.spec.containers[1].ports[0].containerPorts"',
    );
  });

  it('keeps map keys (labels, data) and quantities as known; Warn and Ignore do not fail', () => {
    const obj = {
      metadata: { labels: { anything: 'x' } },
      spec: { containers: [{ name: 'a', resources: { limits: { cpu: '500m', memory: 128 } } }] },
      bogus: 1,
    };
    const warn = decodeStrict(POD, obj, 'Warn');
    expect(warn.errors).toEqual(['unknown field "bogus"']);
    expect(formatDecodeError('Pod', 'v1', warn, 'Warn')).toBeUndefined();
    expect(decodeStrict(POD, obj, 'Ignore').errors).toEqual([]);
  });

  it('pruneUnknown drops unknown fields at every depth and leaves the input alone', () => {
    const obj = { metadata: { name: 'p', junk: 1 }, spec: { containers: [{ name: 'a', image: 'x', extra: true }] }, top: 'x' };
    expect(pruneUnknown(POD, obj)).toEqual({ metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }] } });
    expect(obj.top).toBe('x');
  });

  it('detects duplicate keys in the raw JSON', () => {
    expect(findDuplicateFields('{"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"name":"x","image":"y","image":"z"}]}}')).toEqual([
      'duplicate field "metadata.name"',
      'duplicate field "spec.containers[0].image"',
    ]);
  });
});

describe('decodeStrict: Go type errors', () => {
  it('string into an int32 field names the innermost struct and the JSON path', () => {
    const r = decodeStrict(POD, { spec: { containers: [{ name: 'a', ports: [{ containerPort: '80' }] }] } }, 'Strict');
    expect(formatDecodeError('Pod', 'v1', r)).toBe(
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    );
  });

  it('covers int64, fractional numbers, maps, structs and slices', () => {
    const msg = (o: unknown, def = POD) => decodeStrict(def, o, 'Strict').typeErrors[0]?.detail;
    expect(msg({ spec: { terminationGracePeriodSeconds: 'x' } })).toBe(
      'json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64',
    );
    expect(msg({ spec: { replicas: 1.5 } }, DEPLOY)).toBe('json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
    expect(msg({ metadata: { labels: { a: 1 } } })).toBe('json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
    expect(msg({ spec: 'x' })).toBe('json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec');
    expect(msg({ spec: { containers: { name: 'a' } } })).toBe(
      'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
    );
    expect(msg({ data: { a: true } }, CM)).toBe('json: cannot unmarshal bool into Go struct field ConfigMap.data of type string');
  });

  it('type errors win over unknown fields; custom unmarshaller errors win over type errors', () => {
    const r = decodeStrict(POD, { bogus: 1, spec: { hostNetwork: 'yes', containers: [{ name: 'a', resources: { limits: { cpu: 'lots' } } }] } }, 'Strict');
    expect(r.errors).toEqual(['unknown field "bogus"']);
    expect(formatDecodeError('Pod', 'v1', r)).toBe(
      'Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    );
  });

  it('accepts IntOrString as either type and rejects others', () => {
    const svc = 'io.k8s.api.core.v1.Service';
    expect(
      decodeStrict(
        svc,
        {
          spec: {
            ports: [
              { port: 80, targetPort: 'http' },
              { port: 81, targetPort: 8080 },
            ],
          },
        },
        'Strict',
      ).typeErrors,
    ).toEqual([]);
    expect(decodeStrict(svc, { spec: { ports: [{ port: 80, targetPort: true }] } }, 'Strict').typeErrors[0].detail).toBe(
      'json: cannot unmarshal bool into Go value of type int32',
    );
  });

  it('custom resources report unknown fields but no Go type errors', () => {
    const { name, definitions } = crdSchemaToDefinition(WEBSITE_CRD);
    const r = decodeStrict(name, { apiVersion: 'lab.example.com/v1', kind: 'Website', metadata: { name: 'b', x: 1 }, spec: { domain: 5, foo: 1 } }, 'Strict', {
      definitions,
    });
    expect(r.errors).toEqual(['unknown field "metadata.x"', 'unknown field "spec.foo"']);
    expect(r.typeErrors).toEqual([]);
  });
});

describe('decodeStrict: null where Go has a value type (issue #22)', () => {
  it('a null list element of a struct type decodes as the empty struct, of a scalar type as its zero value', () => {
    const r = decodeStrict(
      POD,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', finalizers: [null, 'a'] },
        spec: { containers: [null, { name: 'c', image: 'x', ports: [null], env: [null], command: [null, 'sh'] }] },
      },
      'Strict',
    );
    expect(r.typeErrors).toEqual([]);
    expect(r.object).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', finalizers: ['', 'a'] },
      spec: { containers: [{}, { name: 'c', image: 'x', ports: [{}], env: [{}], command: ['', 'sh'] }] },
    });
  });

  it('a null map value of a struct type is the empty struct; custom resources keep their nulls', () => {
    const r = decodeStrict(
      POD,
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: null } }, spec: { overhead: { cpu: null }, nodeSelector: { k: null } } },
      'Strict',
    );
    expect((r.object as any).metadata.labels).toEqual({ a: '' });
    expect((r.object as any).spec.nodeSelector).toEqual({ k: '' });
    const withList = structuredClone(WEBSITE_CRD);
    (withList.spec as any).versions[0].schema.openAPIV3Schema.properties.spec.properties.tags = {
      type: 'array',
      items: { type: 'object', properties: { n: { type: 'string' } } },
    };
    const crd = crdSchemaToDefinition(withList);
    const u = decodeStrict(
      crd.name,
      { apiVersion: 'lab.example.com/v1', kind: 'Website', metadata: { name: 'w' }, spec: { domain: 'd', tags: [null] } },
      'Ignore',
      { definitions: crd.definitions },
    );
    expect((u.object as any).spec.tags).toEqual([null]);
  });
});
