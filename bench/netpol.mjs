// NetworkPolicy figures: loading 1000 policies over 1000 pods in 50 namespaces into the data path's engine, a
// verdict for a new connection (cold and cached), the live 60-pod matrix after a policy change (evaluator, then one
// clicked cell's reasons from the engine), and the evaluator's full 1000 × 1000 matrix.
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
      "export { PolicyEngine } from './electron/cluster/network/policy/engine';\nexport { reachabilityMatrix, explainCell } from './electron/cluster/network/policy/matrix';\nexport { evaluateReachability } from './electron/cluster/network/policy/evaluator';\n",
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'error',
});
const { PolicyEngine, reachabilityMatrix, explainCell, evaluateReachability } = createRequire(import.meta.url)(out);
const report = (name, value, target) => console.log(`${name.padEnd(56)} ${value.padStart(12)}   target ${target}`);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

const NS = 50,
  PODS = 1000,
  POLICIES = 1000;
const ip = (i) => `10.244.${Math.floor(i / 250)}.${(i % 250) + 2}`;
function load({ openEgress = false } = {}) {
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
        egress: openEgress ? [{}] : [{ to: [{ podSelector: {} }] }, { ports: [{ port: 53, protocol: 'UDP' }] }],
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

const live = [];
for (let r = 0; r < 5; r++) {
  t0 = process.hrtime.bigint();
  e.setPolicy({ metadata: { namespace: 'ns-1', name: 'np-1', resourceVersion: String(r + 2) }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  reachabilityMatrix(e, { port: 80, namespaces: ['ns-1', 'ns-2', 'ns-3'] });
  live.push(ms(t0));
}
report('policy update + live matrix, 3 namespaces (60 pods), worst of 5', `${fmt(Math.max(...live), 1)} ms`, '≤ 100 ms');
console.log(`  (each: ${live.map((x) => fmt(x, 1)).join(', ')} ms)`);
t0 = process.hrtime.bigint();
const why = explainCell(e, 'ns-2/p-2', 'ns-1/p-1', 80);
report('reasons of one clicked cell', `${fmt(ms(t0), 2)} ms`, '-');
if (why.allowed || !why.reason.startsWith('denied: ns-2/p-2 is isolated for egress')) throw new Error(`unexpected explanation: ${why.reason}`);

const runs = [];
let m;
for (let r = 0; r < 3; r++) {
  t0 = process.hrtime.bigint();
  m = evaluateReachability(e.model(), 80, 'TCP');
  runs.push(ms(t0));
}
report(`evaluator: ${m.length} × ${m.length} matrix, ${e.policyCount()} policies`, `${fmt(Math.max(...runs), 0)} ms`, '≤ 1000 ms');
const denied = m.reduce((a, row) => a + row.filter((c) => c === 0).length, 0);
console.log(`  (${denied} of ${m.length ** 2} cells denied; slowest of ${runs.length} runs)`);

// the hard case for the evaluator: egress open, so ingress decides every cell, and where no selector peer admits
// the source, the ipBlock (10.244.0.0/16 minus one pod) does — per source address
const open = load({ openEgress: true });
const hard = [];
for (let r = 0; r < 3; r++) {
  t0 = process.hrtime.bigint();
  m = evaluateReachability(open.model(), 80, 'TCP');
  hard.push(ms(t0));
}
report('evaluator, egress open (ipBlocks decide per address)', `${fmt(Math.max(...hard), 0)} ms`, '≤ 1000 ms');
const allowed = m.reduce((a, row) => a + row.filter((c) => c === 1).length, 0);
console.log(`  (${allowed} of ${m.length ** 2} cells allowed)`);
