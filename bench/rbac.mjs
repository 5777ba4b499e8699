// Authorization cost: sequential creates over HTTPS by a user RBAC must look up among 1000 RoleBindings, against the
// same creates by a system:masters user (decided before RBAC), in alternating rounds. Target: ≤ 5 % added latency.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startCluster, percentile, fmt } from './lib.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-bench-'));
mkdirSync(join(dataDir, 'pki'), { recursive: true });
const admin = randomBytes(24).toString('hex');
const bob = randomBytes(24).toString('hex');
writeFileSync(join(dataDir, 'pki', 'tokens.csv'), `${admin},bench-admin,1,"system:masters"\n${bob},bob,2,""\n`, { mode: 0o600 });
const c = await startCluster({ dataDir, nodes: 1 });
const as = (token) => ({ authorization: `Bearer ${token}` });
const rb = (name, user) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
});
await c.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }, as(admin));
for (let i = 0; i < 999; i++)
  await c.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/bench/rolebindings', rb(`rb-${i}`, `user-${i}`), as(admin));
await c.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/bench/rolebindings', rb('bob', 'bob'), as(admin));

let n = 0;
async function round(token, count) {
  const ms = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const r = await c.request(
      'POST',
      '/api/v1/namespaces/bench/configmaps',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${n++}` }, data: { k: 'v' } },
      as(token),
    );
    if (r.status !== 201) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body ?? r).slice(0, 300)}`);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ms;
}
await round(admin, 50);
await round(bob, 50);
// one create of each per step, the order flipping every step, so drift and warm-up fall on both alike
const masters = [],
  rbac = [];
for (let i = 0; i < 400; i++) {
  if (i % 2) {
    masters.push(...(await round(admin, 1)));
    rbac.push(...(await round(bob, 1)));
  } else {
    rbac.push(...(await round(bob, 1)));
    masters.push(...(await round(admin, 1)));
  }
}
const m = percentile(masters, 50),
  r = percentile(rbac, 50);
console.log(`create as system:masters (median)              ${fmt(m, 2)} ms`);
console.log(`create via RBAC among 1000 RoleBindings (median) ${fmt(r, 2)} ms`);
console.log(`authorization added                            ${fmt(((r - m) / m) * 100, 1)} %   target ≤ 5 %`);
await c.stop();
