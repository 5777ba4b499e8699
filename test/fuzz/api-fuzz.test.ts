// The API fuzzer in CI (issue #22): a fixed-seed corpus over every kind the server serves and a CRD with a
// structural schema. `npm run fuzz -- --cases N --seed S [--server DATA_DIR]` runs longer campaigns through this
// same file, in-process or over HTTPS against a cluster started with `kubelab start --data-dir DATA_DIR`.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestCluster, waitFor, type TestCluster } from '../harness';
import { WEBSITE_CRD } from '../../electron/cluster/api/openapi/website-crd.fixture';
import type { ApiRequest } from '../../electron/cluster/apiserver/request';
import { FUZZ_NAMESPACE, fuzzEntries, httpsSender, runFuzz, type FuzzFailure, type Sender } from './runner';

const CASES = Number(process.env.KUBELAB_FUZZ_CASES ?? 20_000);
const SEED = Number(process.env.KUBELAB_FUZZ_SEED ?? 22);
const REMOTE = process.env.KUBELAB_FUZZ_SERVER;

const admin = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
const req = (method: string, path: string, body?: unknown, query = ''): ApiRequest => ({
  method,
  path,
  query: new URLSearchParams(query),
  user: admin,
  headers: body === undefined ? {} : { 'content-type': 'application/json' },
  body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
});

describe('API fuzzing (issue #22)', () => {
  let tc: TestCluster;
  let send: Sender;
  beforeAll(async () => {
    // the local cluster supplies the catalogue (and is the target unless a running one is named)
    tc = await startTestCluster({ nodes: 1 });
    send = REMOTE ? httpsSender(REMOTE) : async (r) => tc.cluster.api.handle(r) as Promise<any>;
    for (const r of [
      req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FUZZ_NAMESPACE } }),
      req('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', WEBSITE_CRD),
    ]) {
      const local = tc.cluster.api.handle(r) as Promise<any>;
      expect([201, 409]).toContain((await local).status);
      if (REMOTE) expect([201, 409]).toContain((await send(r)).status);
    }
    await waitFor(() => tc.cluster.catalog.get('lab.example.com', 'v1', 'websites'), { what: 'the Website CRD to be served' });
    await waitFor(async () => (await send(req('GET', `/apis/lab.example.com/v1/namespaces/${FUZZ_NAMESPACE}/websites`))).status === 200, {
      what: 'websites to be served by the target',
    });
  });
  afterAll(async () => {
    await tc?.stop();
  });

  it(
    `${CASES} mutated requests (seed ${SEED}): no 5xx, 4xx are Status with a reason, rejected writes change nothing`,
    async () => {
      const heapBefore = process.memoryUsage().heapUsed;
      const failures: FuzzFailure[] = [];
      const report = await runFuzz(REMOTE ? undefined : tc.cluster, {
        cases: CASES,
        seed: SEED,
        entries: fuzzEntries(tc.cluster),
        send,
        onFailure: (f) => {
          if (failures.length < 20 || process.env.KUBELAB_FUZZ_REPORT_ALL)
            process.stderr.write(
              `fuzz failure: ${f.problem}\n  case: ${JSON.stringify(f.c)}\n  replay: ${f.replay.length > 4000 && !process.env.KUBELAB_FUZZ_FULL_REPLAY ? `${f.replay.slice(0, 300)}… (${f.replay.length} characters; KUBELAB_FUZZ_FULL_REPLAY=1 prints it whole)` : f.replay}\n`,
            );
          failures.push(f);
        },
      });
      process.stderr.write(
        `fuzz: ${report.cases} cases ${REMOTE ? `over HTTPS to ${REMOTE}` : 'in-process'} in ${report.ms} ms, statuses ${JSON.stringify(report.byStatus)}, rejected writes checked unchanged ${JSON.stringify(report.unchangedChecks)}\n`,
      );
      expect(failures.map((f) => `${f.problem} ← ${f.c.verb} ${f.c.resource} ${f.c.mutation}`)).toEqual([]);
      if (!REMOTE) {
        // both unchanged-object properties were exercised, so their silence means something
        expect(report.unchangedChecks.resourceVersion).toBeGreaterThan(100);
        expect(report.unchangedChecks.generation).toBeGreaterThan(100);
      }
      // the cluster is still healthy (no request blocked its event loop) and has not kept what the requests brought
      const ready = await send(req('GET', '/readyz', undefined, 'verbose'));
      expect(ready.status, String(ready.body)).toBe(200);
      if (!REMOTE) {
        const grown = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
        expect(grown, `heap grew by ${grown.toFixed(0)} MB`).toBeLessThan(300);
      }
    },
    10 * 60_000,
  );
});
