import { describe, expect, it } from 'vitest';
import { errInvalid } from '../errors';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta';
import { validateLabelSelector } from './selectors';

describe('validateObjectMeta', () => {
  it('bad name', () => {
    const errs = validateObjectMeta({ name: 'Bad_Name', namespace: 'default' }, { namespaced: true, nameValidation: 'subdomain' });
    expect(errInvalid('', 'ConfigMap', 'Bad_Name', errs).message).toBe(
      "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  });
  it('name required, namespace required or forbidden', () => {
    expect(validateObjectMeta({}, { namespaced: true, nameValidation: 'subdomain' })).toEqual([
      { type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' },
      { type: 'FieldValueRequired', field: 'metadata.namespace', detail: '' },
    ]);
    const errs = validateObjectMeta({ name: 'n', namespace: 'x' }, { namespaced: false, nameValidation: 'label' });
    expect(errs).toEqual([{ type: 'FieldValueForbidden', field: 'metadata.namespace', detail: 'not allowed on this type' }]);
  });
  it('generateName prefix with a trailing dash is fine', () => {
    expect(validateObjectMeta({ generateName: 'web-', name: 'web-abcde', namespace: 'd' }, { namespaced: true, nameValidation: 'label' })).toEqual([]);
  });
  it('labels, annotations size, owner references', () => {
    const errs = validateObjectMeta(
      {
        name: 'n',
        namespace: 'd',
        labels: { 'bad key!': 'v' },
        annotations: { a: 'x'.repeat(256 * 1024) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '' }],
      },
      { namespaced: true, nameValidation: 'subdomain' },
    );
    expect(errs.map((e) => e.field)).toEqual(['metadata.labels', 'metadata.annotations', 'metadata.ownerReferences.uid']);
    expect(errs[1].detail).toBe('may not be more than 262144 bytes');
  });
});

describe('validateObjectMetaUpdate', () => {
  it('name and uid are immutable', () => {
    const errs = validateObjectMetaUpdate({ name: 'b', namespace: 'd', uid: 'u2' }, { name: 'a', namespace: 'd', uid: 'u1' });
    expect(errInvalid('', 'ConfigMap', 'b', errs).message).toBe(
      'ConfigMap "b" is invalid: [metadata.name: Invalid value: "b": field is immutable, metadata.uid: Invalid value: "u2": field is immutable]',
    );
  });
  it('no new finalizers while deleting', () => {
    const errs = validateObjectMetaUpdate({ name: 'a', finalizers: ['x/y'] }, { name: 'a', deletionTimestamp: '2025-01-01T00:00:00Z' });
    expect(errs[0].detail).toBe('no new finalizers can be added if the object is being deleted, found new finalizers []string{"x/y"}');
  });
});

describe('validateLabelSelector', () => {
  it('checks operators and values', () => {
    const errs = validateLabelSelector(
      {
        matchExpressions: [
          { key: 'a', operator: 'In' },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Has' },
        ],
      },
      'spec.selector',
    );
    expect(errs.map((e) => `${e.field}: ${e.detail}`)).toEqual([
      "spec.selector.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: not a valid selector operator',
    ]);
  });
});
