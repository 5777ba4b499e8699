// Runs fuzz cases against a cluster's API server in-process (the same ApiServer.handle() HTTPS requests reach,
// without TLS, so tens of thousands of cases fit in CI) and checks the properties of issue #22:
//  - no 5xx and no exception out of the handler;
//  - every 4xx body is a Status with a reason;
//  - a rejected write leaves the stored object and its resourceVersion unchanged (kinds no controller writes), and
//    leaves its spec unchanged (metadata.generation) on kinds whose controllers write only their status.
// A failure is reported with a curl command that replays it against a running `kubelab start`.
import fc from 'fast-check';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../../electron/cluster/cluster';
import type { ResourceEntry } from '../../electron/cluster/apiserver/catalog';
import type { ApiRequest, ApiResponse } from '../../electron/cluster/apiserver/request';
import { caseArbitrary, type FuzzCase } from './cases';

export const FUZZ_NAMESPACE = 'fuzz';

// kinds whose stored objects only requests change, so a rejected request must leave their resourceVersion alone
const STABLE = new Set([
  'configmaps',
  'secrets',
  'roles',
  'clusterroles',
  'rolebindings',
  'clusterrolebindings',
  'limitranges',
  'networkpolicies',
  'podtemplates',
  'priorityclasses',
  'storageclasses',
  'websites',
]);
// nodes are the simulated machines, and tokens/reviews have no stored objects
const SKIP = new Set(['nodes']);

export interface FuzzFailure {
  c: FuzzCase;
  status?: number;
  problem: string;
  replay: string;
}
export interface FuzzReport {
  cases: number;
  byStatus: Record<string, number>;
  failures: FuzzFailure[];
  ms: number;
  /** rejected writes whose object was checked unchanged: by resourceVersion / by generation */
  unchangedChecks: { resourceVersion: number; generation: number };
}

export function fuzzEntries(cluster: Cluster): ResourceEntry[] {
  return cluster.catalog.all().filter((e) => !e.virtual && !SKIP.has(e.resource) && e.verbs.includes('create'));
}

function pathOf(e: ResourceEntry, name?: string): string {
  const base = e.group ? `/apis/${e.group}/${e.version}` : `/api/${e.version}`;
  const ns = e.namespaced ? `/namespaces/${FUZZ_NAMESPACE}` : '';
  return `${base}${ns}/${e.resource}${name ? `/${name}` : ''}`;
}

function request(e: ResourceEntry, c: FuzzCase): ApiRequest {
  const q = new URLSearchParams(c.query);
  let method = 'GET';
  let path = pathOf(e, c.name);
  switch (c.verb) {
    case 'create':
      method = 'POST';
      path = pathOf(e);
      break;
    case 'update':
      method = 'PUT';
      break;
    case 'merge':
    case 'strategic':
    case 'json':
      method = 'PATCH';
      break;
    case 'apply':
      method = 'PATCH';
      if (!q.get('fieldManager')) q.set('fieldManager', 'fuzz');
      break;
    case 'list':
      path = pathOf(e);
      break;
    case 'watch':
      path = pathOf(e);
      q.set('watch', 'true');
      break;
    case 'delete':
      method = 'DELETE';
      break;
    default:
      break;
  }
  const headers: Record<string, string> = {};
  if (c.contentType) headers['content-type'] = c.contentType;
  return { method, path, query: q, headers, body: c.body, user: { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] } };
}

/** a shell command that sends the same request to a cluster started with `kubelab start --data-dir $D --port $P` */
export function replayCommand(req: ApiRequest): string {
  const url = `https://127.0.0.1:\${P:-6443}${req.path}${req.query.toString() ? `?${req.query}` : ''}`;
  const ct = req.headers['content-type'] ? ` -H 'Content-Type: ${req.headers['content-type']}'` : '';
  const body = req.body && req.body.length ? `echo '${req.body.toString('base64')}' | base64 -d | ` : '';
  const data = body ? ' --data-binary @-' : '';
  return `${body}curl -sk --cert "$D/pki/admin.crt" --key "$D/pki/admin.key" -X ${req.method}${ct}${data} "${url}"`;
}

/** how a case reaches the API server: in-process by default, or over HTTPS to a running cluster */
export type Sender = (req: ApiRequest) => Promise<{ status: number; kind: string; body: any }>;

function storedRv(cluster: Cluster, e: ResourceEntry, name: string): string | undefined {
  return cluster.api.registry.getShared(e, e.namespaced ? FUZZ_NAMESPACE : undefined, name)?.metadata.resourceVersion;
}
// controllers write these kinds' status (and metadata) but never their spec, so generation moves only with requests
function storedGeneration(cluster: Cluster, e: ResourceEntry, name: string): number | undefined {
  return cluster.api.registry.getShared(e, e.namespaced ? FUZZ_NAMESPACE : undefined, name)?.metadata.generation;
}

/**
 * Sends over HTTPS with the admin certificate of a cluster started by `kubelab start --data-dir dataDir`,
 * keeping connections alive; watch requests are ended as soon as their status line arrives.
 */
export function httpsSender(dataDir: string): Sender {
  const kubeconfig = readFileSync(join(dataDir, 'kubeconfig'), 'utf8');
  const server = /server: (\S+)/.exec(kubeconfig)?.[1];
  if (!server) throw new Error(`no server in ${dataDir}/kubeconfig`);
  const url = new URL(server);
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 8,
    cert: readFileSync(join(dataDir, 'pki', 'admin.crt')),
    key: readFileSync(join(dataDir, 'pki', 'admin.key')),
    ca: readFileSync(join(dataDir, 'pki', 'ca.crt')),
  });
  return (req) =>
    new Promise((resolve, reject) => {
      const q = req.query.toString();
      const r = https.request(
        {
          host: url.hostname,
          port: url.port,
          path: req.path + (q ? `?${q}` : ''),
          method: req.method,
          agent,
          headers: { ...req.headers, accept: 'application/json' },
        },
        (res) => {
          if (req.query.get('watch') === 'true' && res.statusCode === 200) {
            res.destroy();
            resolve({ status: 200, kind: 'watch', body: undefined });
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any = text;
            try {
              body = JSON.parse(text);
            } catch {
              /* not JSON: kept as text, which fails the Status check */
            }
            resolve({ status: res.statusCode ?? 0, kind: 'json', body });
          });
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(req.body);
    });
}

export async function runFuzz(
  cluster: Cluster | undefined,
  opts: { cases: number; seed: number; entries?: ResourceEntry[]; send?: Sender; onFailure?: (f: FuzzFailure) => void },
): Promise<FuzzReport> {
  const send: Sender = opts.send ?? (async (req) => cluster!.api.handle(req) as Promise<any>);
  const entries = opts.entries ?? fuzzEntries(cluster!);
  const byKey = new Map(entries.map((e) => [`${e.group}/${e.version}/${e.resource}`, e]));
  const report: FuzzReport = { cases: 0, byStatus: {}, failures: [], ms: 0, unchangedChecks: { resourceVersion: 0, generation: 0 } };
  const t0 = Date.now();
  // generated lazily in batches so a long campaign does not hold every case in memory
  const arb = caseArbitrary(entries);
  const BATCH = 500;
  for (let done = 0; done < opts.cases; done += BATCH) {
    const batch = fc.sample(arb, { seed: opts.seed + done, numRuns: Math.min(BATCH, opts.cases - done) });
    for (const c of batch) {
      const e = byKey.get(c.resource)!;
      const req = request(e, c);
      const write = c.verb !== 'list' && c.verb !== 'watch' && c.verb !== 'get' && c.verb !== 'delete' && c.verb !== 'create';
      const checkRv = write && STABLE.has(e.resource) && cluster !== undefined;
      const before = checkRv ? storedRv(cluster, e, c.name) : undefined;
      const generationBefore = write && !checkRv && cluster !== undefined ? storedGeneration(cluster, e, c.name) : undefined;
      // let timers and I/O run between cases as they would between network requests: otherwise an in-process
      // loop of requests that all finish in microtasks starves the controllers and the watchdog's heartbeat
      await new Promise((r) => setImmediate(r));
      let res: ApiResponse | undefined;
      let problem: string | undefined;
      const started = Date.now();
      try {
        res = (await send(req)) as ApiResponse;
        if (process.env.KUBELAB_FUZZ_SLOW && Date.now() - started > 300)
          process.stderr.write(`slow case ${Date.now() - started} ms: ${c.verb} ${c.resource} ${c.mutation} ${c.contentType}\n`);
      } catch (err) {
        problem = `handler threw: ${(err as Error).stack ?? err}`;
      }
      const status = (res as { status?: number } | undefined)?.status;
      report.cases++;
      report.byStatus[String(status ?? 'threw')] = (report.byStatus[String(status ?? 'threw')] ?? 0) + 1;
      if (!problem && status !== undefined) {
        const body = (res as { body?: any }).body;
        // 504 Too large resource version is upstream's answer to a read ahead of the store, not a server fault
        const tooLarge = status === 504 && body?.details?.causes?.[0]?.reason === 'ResourceVersionTooLarge';
        if (status >= 500 && !tooLarge) problem = `${status}: ${body?.message ?? body}`;
        else if (status >= 400 && (res!.kind !== 'json' || body?.kind !== 'Status' || !body.reason))
          problem = `${status} without a Status reason: ${JSON.stringify(body)?.slice(0, 200)}`;
        else if (status >= 400 && cluster !== undefined) {
          const now = {
            rv: before !== undefined ? storedRv(cluster, e, c.name) : undefined,
            gen: generationBefore !== undefined ? storedGeneration(cluster, e, c.name) : undefined,
          };
          if (before !== undefined) report.unchangedChecks.resourceVersion++;
          if (generationBefore !== undefined) report.unchangedChecks.generation++;
          if (before !== undefined && now.rv !== before)
            problem = `rejected ${c.verb} (${status}) changed the stored object: resourceVersion ${before} → ${now.rv}`;
          else if (generationBefore !== undefined && now.gen !== generationBefore)
            problem = `rejected ${c.verb} (${status}) changed the stored spec: generation ${generationBefore} → ${now.gen}`;
        }
      }
      if (problem) {
        const f: FuzzFailure = { c: { ...c, body: undefined }, status, problem, replay: replayCommand(req) };
        report.failures.push(f);
        opts.onFailure?.(f);
      }
    }
  }
  report.ms = Date.now() - t0;
  return report;
}
