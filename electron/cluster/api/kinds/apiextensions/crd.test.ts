import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { customResourceDefinitionStrategy as crd } from './index';

const ctx = { operation: 'create' as const, now: new Date() };
const website = (name = 'websites.lab.example.com'): KObject => ({
  metadata: { name },
  spec: {
    group: 'lab.example.com',
    scope: 'Namespaced',
    names: { plural: 'websites', kind: 'Website', shortNames: ['ws'] },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
  },
});

describe('CustomResourceDefinition', () => {
  it('defaults singular/listKind and accepts a well-formed CRD', () => {
    const o = website();
    crd.defaults!(o);
    expect(o.spec.names).toMatchObject({ singular: 'website', listKind: 'WebsiteList' });
    expect(crd.validate!(o, ctx)).toEqual([]);
    crd.prepareForCreate!(o);
    expect(o.status).toEqual({ storedVersions: ['v1'] });
  });
  it('requires the name to be <plural>.<group>', () => {
    const o = website('sites.lab.example.com');
    crd.defaults!(o);
    expect(errInvalid('apiextensions.k8s.io', 'CustomResourceDefinition', 'sites.lab.example.com', crd.validate!(o, ctx)).message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "sites.lab.example.com" is invalid: metadata.name: Invalid value: "sites.lab.example.com": must be spec.names.plural+"."+spec.group',
    );
  });
  it('requires exactly one storage version and a known scope', () => {
    const o = website();
    o.spec.scope = 'Global';
    o.spec.versions[0].storage = false;
    crd.defaults!(o);
    const m = errInvalid('apiextensions.k8s.io', 'CustomResourceDefinition', o.metadata.name!, crd.validate!(o, ctx)).message;
    expect(m).toContain('spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"');
    expect(m).toContain('must have exactly one version marked as storage version');
  });
});
