// Picks the pod a check or action talks to: by name, or the first Running pod matching a label selector.
import type { KubeClient } from './kube-client';
import type { PodPick } from './types';

export async function pickPod(kube: KubeClient, pick: PodPick, defaultNs: string): Promise<{ namespace: string; name: string; container?: string }> {
  const namespace = pick.namespace ?? defaultNs;
  if (pick.pod) {
    const pod = await kube.get('v1', 'Pod', pick.pod, namespace);
    if (!pod) throw new Error(`pod ${pick.pod} not found in namespace ${namespace}`);
    if (pod.status?.phase !== 'Running') throw new Error(`pod ${pick.pod} is ${pod.status?.phase ?? 'Pending'}, not Running yet`);
    return { namespace, name: pick.pod, container: pick.container };
  }
  const list = await kube.list('v1', 'Pod', namespace, pick.selector);
  const running = list.items.filter((p: any) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  if (!running.length) {
    const what = pick.selector ? `matching ${pick.selector}` : '';
    throw new Error(list.items.length ? `no pod ${what} in namespace ${namespace} is Running yet (${list.items.length} found)` : `no pod ${what} exists in namespace ${namespace}`);
  }
  running.sort((a: any, b: any) => String(a.metadata.name).localeCompare(b.metadata.name));
  return { namespace, name: running[0].metadata.name, container: pick.container };
}
