// Labels and names of the containers a cluster owns. The io.kubernetes.* keys are the ones dockershim and
// cri-dockerd put on their containers, so `docker ps` reads the same; io.kubelab.* ties each container to one
// cluster (data dir) and node, which is what start-up clean-up and teardown select on — nothing else is touched.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

export const L = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
  type: 'io.kubernetes.docker.type',
  sandboxId: 'io.kubernetes.sandbox.id',
  attempt: 'annotation.io.kubernetes.container.restartCount',
  cluster: 'io.kubelab.cluster',
  /** the data dir: a cluster whose folder was deleted without stopping it through KubeLab leaves orphans behind */
  dataDir: 'io.kubelab.data-dir',
  node: 'io.kubelab.node',
  logPath: 'io.kubelab.log-path',
  terminationLog: 'io.kubelab.termination-log',
} as const;

/** a stable id per data dir: two clusters on one PC never see each other's containers */
export function clusterId(dataDir: string): string {
  return createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
}

export function networkName(cluster: string): string {
  return `kubelab-${cluster}`;
}

/** dockershim's names: k8s_<container>_<pod>_<namespace>_<uid>_<attempt> (POD for the sandbox) */
export function containerName(container: string, pod: { name: string; namespace: string; uid: string }, attempt: number): string {
  return `k8s_${container}_${pod.name}_${pod.namespace}_${pod.uid}_${attempt}`;
}

export function ownedFilter(cluster: string, node?: string): { label: string[] } {
  return { label: [`${L.cluster}=${cluster}`, ...(node ? [`${L.node}=${node}`] : [])] };
}
