// Workload figures: a 1000-replica Deployment on 10 workers to 1000 Ready, the scheduler core alone,
// kubectl get pods with 1000 pods vs the client floor, cluster RSS with 1000 pods, kubectl exec vs the floor,
// and the RSS cost of 200 idle simulated containers.
import { readFileSync } from 'node:fs';
import { startCluster, kubectlBin, timeCommand, fmt } from './lib.mjs';

const report = (name, value, target) => console.log(`${name.padEnd(52)} ${String(value).padStart(12)}   target ${target}`);
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const kubectl = kubectlBin();

const c = await startCluster({ nodes: 11 });
const baseRss = rssMiB(c.proc.pid);
const depl = (name, replicas, extra = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', ...extra }] } } },
});
const status = async (name) => JSON.parse((await c.request('GET', `/apis/apps/v1/namespaces/default/deployments/${name}`)).text).status ?? {};

const t0 = performance.now();
await c.request('POST', '/apis/apps/v1/namespaces/default/deployments', depl('big', 1000));
let ready = 0;
const deadline = Date.now() + 120_000;
while (Date.now() < deadline && (ready = (await status('big')).readyReplicas ?? 0) < 1000) await new Promise((r) => setTimeout(r, 100));
const secs = (performance.now() - t0) / 1000;
report('1000-replica Deployment on 10 workers → Ready', `${fmt(secs)} s`, '≤ 5 s');
report('  end-to-end pods/s', `${fmt(ready / secs, 0)}/s`, '≥ 200/s');
report('cluster RSS with 1000 pods', `${fmt(rssMiB(c.proc.pid), 0)} MiB`, '≤ 400 MiB');
report('  (RSS before the Deployment)', `${fmt(baseRss, 0)} MiB`, '-');

if (kubectl) {
  const env = { ...process.env, KUBECONFIG: c.kubeconfig };
  const floor = timeCommand(kubectl, ['version', '--client'], 9, env);
  const get = timeCommand(kubectl, ['get', 'pods'], 9, env);
  report('kubectl get pods (1000 pods) / floor', `${fmt(get / floor, 2)}x`, '≤ 2x');
} else console.log('kubectl not found: skipping kubectl figures');
await c.stop();

// 200 idle containers' memory on a fresh cluster
const d = await startCluster({ nodes: 3 });
await new Promise((r) => setTimeout(r, 1000));
const before = rssMiB(d.proc.pid);
await d.request('POST', '/apis/apps/v1/namespaces/default/deployments', { ...depl('idle', 200), spec: { ...depl('idle', 200).spec, template: { metadata: { labels: { app: 'idle' } }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } } });
const dl = Date.now() + 120_000;
while (Date.now() < dl && ((await (async () => JSON.parse((await d.request('GET', '/apis/apps/v1/namespaces/default/deployments/idle')).text).status?.readyReplicas ?? 0)()) < 200)) await new Promise((r) => setTimeout(r, 200));
await new Promise((r) => setTimeout(r, 2000));
report('200 idle busybox containers: extra RSS', `${fmt(rssMiB(d.proc.pid) - before, 0)} MiB`, '≤ 100 MiB');
if (kubectl) {
  const env = { ...process.env, KUBECONFIG: d.kubeconfig };
  const floor = timeCommand(kubectl, ['version', '--client'], 9, env);
  const exec = timeCommand(kubectl, ['exec', 'deploy/idle', '--', 'true'], 9, env);
  report('kubectl exec POD -- true / floor', `${fmt(exec / floor, 2)}x`, '≤ 1.3x');
}
await d.stop();
