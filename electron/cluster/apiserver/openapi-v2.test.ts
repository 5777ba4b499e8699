// /openapi/v2: kubectl validates the items of a `kind: List` file against it client-side, in protobuf.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import { httpGet } from './handlers/streaming/testing/ws-client';

let t: TestCluster;
const list = (extra: string) => `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: listed${extra ? '-bad' : ''}
${extra}  data:
    a: b
`;

beforeAll(async () => {
  t = await startTestCluster({ nodes: 1 });
  await waitFor(() => t.client.get(R.namespaces, undefined, 'default').then(() => true), { what: 'default namespace' });
});
afterAll(async () => {
  await t?.stop();
});

describe('/openapi/v2', () => {
  it('serves the Swagger 2.0 definitions with their group-version-kinds', async () => {
    const r = await httpGet(t.cluster, '/openapi/v2');
    expect(r.status).toBe(200);
    const doc = JSON.parse(r.body);
    expect(doc.swagger).toBe('2.0');
    expect(doc.definitions['io.k8s.api.core.v1.ConfigMap']['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'ConfigMap', version: 'v1' }]);
    expect(doc.definitions['io.k8s.api.core.v1.Pod'].properties.spec.$ref).toBe('#/definitions/io.k8s.api.core.v1.PodSpec');
  });

  it.skipIf(!kubectlPath())('kubectl create -f of a v1 List validates its items and creates them', async () => {
    const ok = await t.kubectl(['create', '-f', '-'], { input: list('') });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('configmap/listed created\n');
    const bad = await t.kubectl(['create', '-f', '-'], { input: list('  bogus: 1\n') });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unknown field "bogus" in io.k8s.api.core.v1.ConfigMap');
  });
});
