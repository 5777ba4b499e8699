// The API fuzzer in CI (issue #22): a fixed-seed corpus over every kind the server serves and a CRD with a
// structural schema. `npm run fuzz -- --cases N --seed S` runs longer campaigns through this same file.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../harness';
import { R } from '../../electron/cluster/client/resources';
import { WEBSITE_CRD } from '../../electron/cluster/api/openapi/website-crd.fixture';
import type { KObject } from '../../electron/cluster/api/types';
import { FUZZ_NAMESPACE, runFuzz, type FuzzFailure } from './runner';

const CASES = Number(process.env.KUBELAB_FUZZ_CASES ?? 20_000);
const SEED = Number(process.env.KUBELAB_FUZZ_SEED ?? 22);

describe('API fuzzing (issue #22)', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: 1 });
    await tc.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FUZZ_NAMESPACE } });
    await tc.client.create({ group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' }, undefined, structuredClone(WEBSITE_CRD) as KObject);
    await waitFor(() => tc.cluster.catalog.get('lab.example.com', 'v1', 'websites'), { what: 'the Website CRD to be served' });
  });
  afterAll(async () => { await tc?.stop(); });

  it(`${CASES} mutated requests (seed ${SEED}): no 5xx, 4xx are Status with a reason, rejected writes change nothing`, async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const failures: FuzzFailure[] = [];
    const report = await runFuzz(tc.cluster, {
      cases: CASES, seed: SEED,
      onFailure: (f) => { if (failures.length < 20 || process.env.KUBELAB_FUZZ_REPORT_ALL) process.stderr.write(`fuzz failure: ${f.problem}\n  case: ${JSON.stringify(f.c)}\n  replay: ${f.replay}\n`); failures.push(f); },
    });
    process.stderr.write(`fuzz: ${report.cases} cases in ${report.ms} ms, statuses ${JSON.stringify(report.byStatus)}\n`);
    expect(failures.map((f) => `${f.problem} ← ${f.c.verb} ${f.c.resource} ${f.c.mutation}`)).toEqual([]);
    // the cluster is still healthy and has not kept what the requests brought
    const ready: any = await tc.cluster.api.handle({ method: 'GET', path: '/readyz', query: new URLSearchParams('verbose'), headers: {}, user: { name: 'system:anonymous', groups: ['system:unauthenticated'] } });
    expect(ready.status, ready.body).toBe(200);
    const grown = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(grown, `heap grew by ${grown.toFixed(0)} MB`).toBeLessThan(300);
  }, 10 * 60_000);
});
