// The ResourceQuota controller: keeps status.hard (a copy of spec.hard) and status.used current, recomputing
// a namespace's quotas whenever a quota'd object there changes, and on a periodic full resync.
import type { Client, InformerFactory } from '../../client/types';
import { objectKey } from '../../client/types';
import { R } from '../../client/resources';
import type { GVR } from '../../api/types';
import { WorkQueue } from '../workqueue';
import { computeUsage } from './usage';
import { bestEffort, componentLog } from '../../best-effort';

const log = componentLog('resourcequota-controller');

export interface ResourceQuotaOptions {
  /** resolves "deployments.apps" / "widgets.example.com" for count/<resource>.<group> */
  resolve?(resourceDotGroup: string): GVR | undefined;
  resyncMs?: number;
}

export function startResourceQuotaController(client: Client, informers: InformerFactory, opts: ResourceQuotaOptions = {}): { stop(): void } {
  const quotas = informers.informer(R.resourcequotas);
  const queue = new WorkQueue((key) => sync(key), { workers: 2, name: 'resourcequota' });
  const enqueueNs = (ns?: string) => {
    if (ns) for (const q of quotas.list(ns)) queue.add(objectKey(q));
  };
  quotas.onAdd((q) => queue.add(objectKey(q)));
  quotas.onUpdate((a, q) => {
    if (JSON.stringify(a.spec) !== JSON.stringify(q.spec)) queue.add(objectKey(q));
  });
  for (const r of [R.pods, R.services, R.configmaps, R.secrets, R.persistentvolumeclaims, R.replicationcontrollers]) {
    const inf = informers.informer(r);
    inf.onAdd((o) => enqueueNs(o.metadata.namespace));
    inf.onDelete((o) => enqueueNs(o.metadata.namespace));
    // updates matter to pods (phase, resources) and PVCs (size); for the others only the count counts
    if (r === R.pods || r === R.persistentvolumeclaims || r === R.services) inf.onUpdate((_a, o) => enqueueNs(o.metadata.namespace));
  }
  const timer = setInterval(() => {
    for (const q of quotas.list()) queue.add(objectKey(q));
  }, opts.resyncMs ?? 30_000);
  timer.unref();

  async function sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    // upstream's role lets this controller list and watch, not get: the quota comes from its namespace's list
    const list = async (r: GVR) => (await client.list(r, ns)).items;
    const [pods, services, configmaps, secrets, persistentvolumeclaims, replicationcontrollers, resourcequotas] = await Promise.all(
      [R.pods, R.services, R.configmaps, R.secrets, R.persistentvolumeclaims, R.replicationcontrollers, R.resourcequotas].map(list),
    );
    const quota = resourcequotas.find((q) => q.metadata.name === name);
    if (!quota) return;
    const counts = new Map<string, number | undefined>();
    for (const k of Object.keys(quota.spec?.hard ?? {})) {
      if (!k.startsWith('count/')) continue;
      const rg = k.slice('count/'.length);
      const gvr = opts.resolve?.(rg);
      counts.set(rg, gvr ? (await bestEffort(client.list(gvr, ns), `counting ${rg} in ${ns}`, log))?.items.length : undefined);
    }
    const used = computeUsage(quota, {
      pods,
      services,
      configmaps,
      secrets,
      persistentvolumeclaims,
      replicationcontrollers,
      resourcequotas,
      count: (rg) => counts.get(rg),
    });
    const hard = { ...(quota.spec?.hard ?? {}) };
    if (JSON.stringify(quota.status?.hard ?? {}) === JSON.stringify(hard) && JSON.stringify(quota.status?.used ?? {}) === JSON.stringify(used)) return;
    await client.updateStatus(R.resourcequotas, ns, { ...quota, status: { hard, used } });
  }

  return {
    stop: () => {
      clearInterval(timer);
      queue.stop();
    },
  };
}
