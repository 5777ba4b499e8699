// Static pods as the kubelet's file source makes them, and the mirror pods it keeps in the API for them: the static
// pod's UID is a hash of its manifest and node (kubernetes.io/config.hash); its mirror carries the same hash in
// kubernetes.io/config.mirror and is owned by the Node. The kubelet runs the static pod, never the mirror.
import { createHash } from 'node:crypto';
import type { KObject } from '../../api/types';

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const SEEN_ANNOTATION = 'kubernetes.io/config.seen';
export const SOURCE_ANNOTATION = 'kubernetes.io/config.source';

export function isMirrorPod(pod: KObject): boolean {
  return pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined;
}

/** the static pod a mirror stands for (its config hash = the static pod's UID) */
export function mirrorHash(pod: KObject): string | undefined {
  return pod.metadata.annotations?.[MIRROR_ANNOTATION];
}

/** config.seen is written with nanoseconds, as Go's time.Time prints it */
function seenNow(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}Z`);
}

/** a manifest read from the node's manifest folder, as the kubelet's file source turns it into a pod */
export function staticPodFromManifest(manifest: KObject, nodeName: string): KObject {
  const pod = structuredClone(manifest);
  const uid = createHash('md5').update(nodeName).update(JSON.stringify(manifest)).digest('hex');
  pod.metadata.name = `${manifest.metadata.name}-${nodeName}`;
  pod.metadata.namespace ??= 'default';
  pod.metadata.uid = uid;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [HASH_ANNOTATION]: uid, [SEEN_ANNOTATION]: seenNow(), [SOURCE_ANNOTATION]: 'file' };
  pod.spec.nodeName = nodeName;
  pod.spec.restartPolicy ??= 'Always';
  // static pods tolerate every NoExecute taint: nothing may evict them from their node
  pod.spec.tolerations = [...(pod.spec.tolerations ?? []), { operator: 'Exists', effect: 'NoExecute' }];
  return pod;
}

/** the mirror pod the kubelet creates in the API for a static pod */
export function mirrorPodFor(staticPod: KObject, node: { name: string; uid: string }): KObject {
  const { uid: hash, ...meta } = staticPod.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      annotations: { ...(meta.annotations ?? {}), [MIRROR_ANNOTATION]: hash! },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }],
    },
    spec: structuredClone(staticPod.spec),
  };
}
