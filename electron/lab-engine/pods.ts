// Picks the pod a check or action talks to: by name, or the first Running pod matching a label selector.
import type { KubeClient } from './kube-client';
import type { PodPick } from './types';

export async function pickPod(kube: KubeClient, pick: PodPick, defaultNs: string): Promise<{ namespace: string; name: string; container?: string }> {
  const namespace = pick.namespace ?? defaultNs;
  if (pick.pod) {
    const pod = await kube.get('v1', 'Pod', pick.pod, namespace);
    if (!pod) throw new Error(`pod ${pick.pod} not found in namespace ${namespace}`);
    if (pod.status?.phase !== 'Running') throw new Error(`pod ${pick.pod} is ${pod.status?.phase ?? 'Pending'}, not Running yet`);
    if (!containerRunning(pod, pick.container))
      throw new Error(`container ${pick.container ?? pod.spec?.containers?.[0]?.name} of pod ${pick.pod} is not running yet`);
    return { namespace, name: pick.pod, container: pick.container };
  }
  const list = await kube.list('v1', 'Pod', namespace, pick.selector);
  const running = list.items.filter((p: any) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && containerRunning(p, pick.container));
  if (!running.length) {
    const what = pick.selector ? `matching ${pick.selector}` : '';
    throw new Error(
      list.items.length
        ? `no pod ${what} in namespace ${namespace} is Running yet (${list.items.length} found)`
        : `no pod ${what} exists in namespace ${namespace}`,
    );
  }
  running.sort((a: any, b: any) => String(a.metadata.name).localeCompare(b.metadata.name));
  return { namespace, name: running[0].metadata.name, container: pick.container };
}

/** a pod is Running as soon as one container runs; exec needs the one we talk to */
function containerRunning(pod: any, container?: string): boolean {
  const name = container ?? pod.spec?.containers?.[0]?.name;
  const st = (pod.status?.containerStatuses ?? []).find((c: any) => c.name === name);
  return !!st?.state?.running;
}
