// ClusterRole aggregation (upstream's clusterrole-aggregation controller): a ClusterRole with an aggregationRule gets
// the union of the rules of every ClusterRole its selectors match, in name order, without duplicates. Any ClusterRole
// change re-queues the aggregated ones, so chains (view → edit → admin) settle.
import type { ClusterRole, PolicyRule } from 'kubernetes-types/rbac/v1';
import type { Client, InformerFactory } from '../../client/types';
import type { KObject } from '../../api/types';
import { R } from '../../client/resources';
import { isStatus } from '../../client/errors';
import { labelSelectorMatches as selectorMatches } from '../../api/selectors';
import { WorkQueue } from '../workqueue';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function aggregatedRules(target: ClusterRole, all: ClusterRole[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const sorted = [...all].sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  for (const sel of target.aggregationRule?.clusterRoleSelectors ?? []) {
    for (const role of sorted) {
      if (role.metadata?.name === target.metadata?.name || !selectorMatches(sel, role.metadata?.labels)) continue;
      for (const r of role.rules ?? []) if (!rules.some((x) => same(x, r))) rules.push(r);
    }
  }
  return rules;
}

export function startClusterRoleAggregationController(client: Client, informers: InformerFactory): { stop(): void } {
  const inf = informers.informer<KObject>(R.clusterroles);
  const queue = new WorkQueue(
    async (name) => {
      const target = inf.getByName(undefined, name) as ClusterRole | undefined;
      if (!target?.aggregationRule) return;
      const rules = aggregatedRules(target, inf.list() as ClusterRole[]);
      if (same(rules, target.rules ?? [])) return;
      try {
        await client.update(R.clusterroles, undefined, { ...(target as KObject), rules });
      } catch (err) {
        // a concurrent write re-queues the role through the informer
        if (isStatus(err, 409, 404)) return;
        throw err;
      }
    },
    { workers: 1, name: 'clusterrole-aggregation' },
  );
  const enqueueAggregated = () => {
    for (const r of inf.list() as ClusterRole[]) if (r.aggregationRule) queue.add(r.metadata!.name!);
  };
  inf.onAdd(enqueueAggregated);
  inf.onUpdate(enqueueAggregated);
  inf.onDelete(enqueueAggregated);
  return { stop: () => queue.stop() };
}
