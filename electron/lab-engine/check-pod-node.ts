// The `podNode` check: the node a pod actually runs on must match an assertion tree. It joins what no single
// object says — "the batch pod runs on the node that carries the taint", not "some node is tainted and the pod
// runs somewhere".
import { matchTree } from './assert-tree';
import { summarize } from './summarize';
import { pickPod } from './pods';
import type { KubeClient } from './kube-client';
import type { PodNodeCheck } from './types';

export async function checkPodNode(check: PodNodeCheck, kube: KubeClient, namespace: string): Promise<{ ok: boolean; message: string }> {
  const pick = await pickPod(kube, check.target, namespace);
  const pod = await kube.get('v1', 'Pod', pick.name, pick.namespace);
  const nodeName = pod?.spec?.nodeName as string | undefined;
  if (!nodeName) return { ok: false, message: `pod ${pick.name} is not on any node yet` };
  const node = await kube.get('v1', 'Node', nodeName);
  if (!node) return { ok: false, message: `pod ${pick.name} names node ${nodeName}, which does not exist` };
  const mm = matchTree(check.node, node);
  return mm.length
    ? { ok: false, message: `pod ${pick.name} runs on ${nodeName}, which does not fit: ${summarize('Node', node, mm)}` }
    : { ok: true, message: `pod ${pick.name} runs on ${nodeName}, as expected` };
}
