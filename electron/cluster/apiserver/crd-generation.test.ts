// metadata.generation of custom resources, with the real kubectl: apiextensions-apiserver starts every instance at
// generation 1 (also without a status subresource, the common CRD of practice exercises such as
// https://github.com/dgkanatsios/CKAD-exercises/blob/main/i.crd.md) and counts each change but to metadata.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startTestCluster, waitFor, type TestCluster } from '../../../test/harness';

const kubectl = kubectlPath();
if (!kubectl) console.log('crd-generation: skipped — no kubectl found');

const crd = (plural: string, kind: string, status: boolean) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.gen.example.com
spec:
  group: gen.example.com
  scope: Namespaced
  names: {plural: ${plural}, singular: ${plural.slice(0, -1)}, kind: ${kind}}
  versions:
  - name: v1
    served: true
    storage: true
    ${status ? 'subresources: {status: {}}' : ''}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {age: {type: integer}}}
          status: {type: object, properties: {phase: {type: string}}}
`;

describe.skipIf(!kubectl)('custom resource generation', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    for (const [plural, kind, status] of [
      ['plains', 'Plain', false],
      ['trackeds', 'Tracked', true],
    ] as const)
      expect((await tc.kubectl(['apply', '-f', '-'], { input: crd(plural, kind, status) })).code).toBe(0);
    await waitFor(async () => (await tc.kubectl(['get', 'plains,trackeds'])).code === 0, { what: 'both CRDs served', timeoutMs: 20_000 });
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });
  const gen = async (res: string) => (await tc.kubectl(['get', res, '-o', 'jsonpath={.metadata.generation}'])).stdout;

  it('starts at 1 without a status subresource and counts spec and status changes, not label changes', async () => {
    const cr = (age: number, extra = '') => `apiVersion: gen.example.com/v1\nkind: Plain\nmetadata: {name: p}\nspec: {age: ${age}}\n${extra}`;
    expect((await tc.kubectl(['apply', '-f', '-'], { input: cr(30) })).code).toBe(0);
    expect(await gen('plain/p')).toBe('1');
    await tc.kubectl(['label', 'plain/p', 'x=y']);
    expect(await gen('plain/p')).toBe('1');
    await tc.kubectl(['apply', '-f', '-'], { input: cr(31) });
    expect(await gen('plain/p')).toBe('2');
    // status is ordinary content here: written with the object, and a change to it is a change
    await tc.kubectl(['apply', '-f', '-'], { input: cr(31, 'status: {phase: Done}') });
    expect(await gen('plain/p')).toBe('3');
    expect((await tc.kubectl(['get', 'plain/p', '-o', 'jsonpath={.status.phase}'])).stdout).toBe('Done');
  });

  it('with a status subresource, drops status from the main resource and counts only the rest', async () => {
    const cr = (age: number) => `apiVersion: gen.example.com/v1\nkind: Tracked\nmetadata: {name: t}\nspec: {age: ${age}}\nstatus: {phase: Done}\n`;
    expect((await tc.kubectl(['apply', '-f', '-'], { input: cr(1) })).code).toBe(0);
    expect(await gen('tracked/t')).toBe('1');
    expect((await tc.kubectl(['get', 'tracked/t', '-o', 'jsonpath={.status}'])).stdout).toBe('');
    await tc.kubectl(['apply', '-f', '-'], { input: cr(2) });
    expect(await gen('tracked/t')).toBe('2');
  });
});
