// NetworkPolicy engine figures: loading 1000 policies over 1000 pods in 50 namespaces, a verdict for a new
// connection (cold and cached), the 1000 × 1000 reachability matrix, and recomputing after a policy change.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, fmt } from './lib.mjs';

const out = join(mkdtempSync(join(tmpdir(), 'kubelab-netpol-')), 'bench.cjs');
await build({
  stdin: {
    contents:
      "export { PolicyEngine } from './electron/cluster/network/policy/engine';\nexport { reachabilityMatrix } from './electron/cluster/network/policy/matrix';\n",
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'error',
});
const { PolicyEngine, reachabilityMatrix } = createRequire(import.meta.url)(out);
const report = (name, value, target) => console.log(`${name.padEnd(56)} ${value.padStart(12)}   target ${target}`);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

const NS = 50,
  PODS = 1000,
  POLICIES = 1000;
const ip = (i) => `10.244.${Math.floor(i / 250)}.${(i % 250) + 2}`;
function load() {
  const e = new PolicyEngine();
  for (let n = 0; n < NS; n++) e.setNamespace(`ns-${n}`, { 'kubernetes.io/metadata.name': `ns-${n}`, tier: n % 2 ? 'odd' : 'even' });
  for (let i = 0; i < PODS; i++) {
    e.setPod({
      metadata: { namespace: `ns-${i % NS}`, name: `p-${i}`, labels: { app: `app-${i % 10}`, role: i % 3 ? 'web' : 'db' } },
      spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80 }] }] },
      status: { phase: 'Running', podIP: ip(i), hostIP: '172.18.0.2' },
    });
  }
  for (let i = 0; i < POLICIES; i++) {
    e.setPolicy({
      metadata: { namespace: `ns-${i % NS}`, name: `np-${i}`, resourceVersion: '1' },
      spec: {
        podSelector: { matchLabels: { app: `app-${i % 10}` } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { tier: 'odd' } }, podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['web'] }] } },
              { ipBlock: { cidr: '10.244.0.0/16', except: [`${ip(i)}/32`] } },
            ],
            ports: [{ port: 'http' }, { port: 8000, endPort: 8100 }],
          },
        ],
        egress: [{ to: [{ podSelector: {} }] }, { ports: [{ port: 53, protocol: 'UDP' }] }],
      },
    });
  }
  return e;
}

let t0 = process.hrtime.bigint();
const e = load();
report(`load ${POLICIES} policies, ${PODS} pods, ${NS} namespaces`, `${fmt(ms(t0), 0)} ms`, '-');

const flows = Array.from({ length: 20000 }, (_, k) => ({ srcIP: ip((k * 7) % PODS), dstIP: ip((k * 13 + 1) % PODS), dstPort: 80, protocol: 'TCP' }));
t0 = process.hrtime.bigint();
for (const f of flows) e.check(f);
report('check, first verdict per flow (20000 flows)', `${fmt((ms(t0) * 1000) / flows.length, 1)} µs`, '-');
t0 = process.hrtime.bigint();
for (let r = 0; r < 5; r++) for (const f of flows) e.check(f);
report('check, cached verdict', `${fmt((ms(t0) * 1000) / (flows.length * 5), 2)} µs`, '-');

t0 = process.hrtime.bigint();
e.setPolicy({ metadata: { namespace: 'ns-1', name: 'np-1', resourceVersion: '2' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
reachabilityMatrix(e, { port: 80, namespaces: ['ns-1', 'ns-2', 'ns-3'] });
report('policy update + matrix with reasons, 3 namespaces (60 pods)', `${fmt(ms(t0), 1)} ms`, '≤ 100 ms');

t0 = process.hrtime.bigint();
const m = reachabilityMatrix(e, { port: 80, reasons: false });
report(`evaluator: ${m.pods.length} × ${m.pods.length} matrix, ${POLICIES} policies`, `${fmt(ms(t0), 0)} ms`, '≤ 1000 ms');
const denied = m.cells.reduce((a, row) => a + row.filter((c) => !c.allowed).length, 0);
console.log(`  (${denied} of ${m.pods.length ** 2} cells denied)`);
