import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildOpenApiV3Document, buildOpenApiV3Index, crdSchemaToDefinition, getDefinitions, schemaForKind, serializeOpenApiDocument } from './index';
import { WEBSITE_CRD } from './website-crd.fixture';

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function refsResolve(doc: any): string[] {
  const missing: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref') {
        const name = String(x).replace('#/components/schemas/', '');
        if (!doc.components.schemas[name]) missing.push(name);
      } else walk(x);
    }
  };
  walk(doc);
  return missing;
}

describe('catalogue', () => {
  it('maps kinds to upstream definition names and carries merge metadata', () => {
    expect(schemaForKind('apps', 'v1', 'Deployment')).toBe('io.k8s.api.apps.v1.Deployment');
    expect(schemaForKind('', 'v1', 'Pod')).toBe('io.k8s.api.core.v1.Pod');
    expect(schemaForKind('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')).toBe(
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    );
    const d = getDefinitions();
    const containers = d['io.k8s.api.core.v1.PodSpec'].properties!.containers;
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(containers['x-kubernetes-patch-strategy']).toBe('merge');
    expect(containers.items).toEqual({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }], default: {} });
    expect(d['io.k8s.api.core.v1.Container'].required).toEqual(['name']);
    expect(d['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(d['io.k8s.apimachinery.pkg.apis.meta.v1.Time']).toMatchObject({ type: 'string', format: 'date-time' });
    expect(d['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf).toEqual([{ type: 'string' }, { type: 'number' }]);
    expect(d['io.k8s.api.core.v1.ConfigMap'].properties!.data.additionalProperties).toEqual({ type: 'string' });
  });
});

describe('buildOpenApiV3Document', () => {
  const doc = buildOpenApiV3Document('apps/v1', [
    { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, verbs },
    { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, verbs },
  ]) as any;

  it('contains Deployment with its GVK and only reachable definitions, all refs resolvable', () => {
    const dep = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
    expect(dep['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(dep.properties.spec.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }]);
    expect(doc.components.schemas['io.k8s.api.core.v1.Container']).toBeDefined();
    expect(doc.components.schemas['io.k8s.api.core.v1.Pod']).toBeUndefined(); // other group versions are not served here
    expect(doc.components.schemas['io.k8s.api.batch.v1.Job']).toBeUndefined();
    expect(refsResolve(doc)).toEqual([]);
  });

  it('describes paths with fieldValidation on write operations and GVK on PATCH', () => {
    const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    expect(item.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    expect(item.patch.operationId).toBe('patchAppsV1NamespacedDeployment');
    for (const op of [item.patch, item.put, doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].post]) {
      expect(op.parameters.some((p: any) => p.name === 'fieldValidation' && p.in === 'query')).toBe(true);
    }
    expect(doc.paths['/apis/apps/v1/deployments'].get.operationId).toBe('listAppsV1DeploymentForAllNamespaces');
  });

  it('includes CRD definitions passed as extras', () => {
    const { definitions } = crdSchemaToDefinition(WEBSITE_CRD);
    const crdDoc = buildOpenApiV3Document(
      'lab.example.com/v1',
      [{ group: 'lab.example.com', version: 'v1', kind: 'Website', resource: 'websites', namespaced: true, verbs }],
      definitions,
    ) as any;
    expect(crdDoc.components.schemas['com.example.lab.v1.Website'].properties.spec.properties.domain.type).toBe('string');
    expect(crdDoc.paths['/apis/lab.example.com/v1/namespaces/{namespace}/websites/{name}'].patch).toBeDefined();
    expect(refsResolve(crdDoc)).toEqual([]);
  });
});

describe('buildOpenApiV3Index', () => {
  it('advertises each document with the upper-case sha512 of its served bytes', () => {
    const doc = { openapi: '3.0.0', paths: {} };
    const idx = buildOpenApiV3Index({ 'api/v1': doc, 'apis/apps/v1': '{"x":1}' });
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
    expect(idx.paths['api/v1'].serverRelativeURL).toBe(`/openapi/v3/api/v1?hash=${hash}`);
    expect(serializeOpenApiDocument(doc)).toEqual({ body: JSON.stringify(doc), hash });
    expect(Object.keys(idx.paths)).toEqual(['api/v1', 'apis/apps/v1']);
  });
});
