// spec.podFailurePolicy: the first rule matching a failed pod decides whether the Job fails at once (FailJob),
// the failure is not counted against backoffLimit (Ignore), or it counts as usual (Count / no match).
import type { KObject } from '../../api/types';
import type { ContainerStatus, PodCondition } from 'kubernetes-types/core/v1';

export interface PolicyMatch {
  /** set when a FailJob rule matched: the Job's failure message */
  failJobMessage?: string;
  /** whether the failure counts towards backoffLimit */
  countFailed: boolean;
  action?: string;
}

interface ExitCodesRule {
  containerName?: string;
  operator: 'In' | 'NotIn';
  values: number[];
}
interface Rule {
  action: string;
  onExitCodes?: ExitCodesRule;
  onPodConditions?: { type: string; status?: string }[];
}

function matchingContainer(pod: KObject, r: ExitCodesRule): { name: string; exitCode: number } | undefined {
  const statuses: ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const cs of statuses) {
    if (r.containerName && r.containerName !== cs.name) continue;
    const code = cs.state?.terminated?.exitCode;
    // a zero exit code never matches, whatever the operator
    if (typeof code !== 'number' || code === 0) continue;
    const inSet = r.values.includes(code);
    if ((r.operator === 'In' && inSet) || (r.operator === 'NotIn' && !inSet)) return { name: cs.name, exitCode: code };
  }
  return undefined;
}

export function matchPodFailurePolicy(policy: { rules?: Rule[] } | undefined, pod: KObject): PolicyMatch {
  const rules = policy?.rules ?? [];
  const who = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [i, rule] of rules.entries()) {
    let what: string | undefined;
    if (rule.onExitCodes) {
      const c = matchingContainer(pod, rule.onExitCodes);
      if (c) what = `Container ${c.name} for pod ${who} failed with exit code ${c.exitCode}`;
    } else if (rule.onPodConditions) {
      const conds: PodCondition[] = pod.status?.conditions ?? [];
      const hit = rule.onPodConditions.find((p) => conds.some((c) => c.type === p.type && c.status === (p.status ?? 'True')));
      if (hit) what = `Pod ${who} has condition ${hit.type}`;
    }
    if (!what) continue;
    switch (rule.action) {
      case 'FailJob':
        return { failJobMessage: `${what} matching FailJob rule at index ${i}`, countFailed: true, action: 'FailJob' };
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      default:
        return { countFailed: true };
    }
  }
  return { countFailed: true };
}
