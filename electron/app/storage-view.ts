// What the cluster view shows of storage, computed from objects: claims with their volume and the pods that mount
// them, volumes with their claim, node and attachments, classes, and snapshots with their source and readiness —
// the columns `kubectl get pvc,pv,sc,volumesnapshot` prints, joined up.
import type { ClaimView, SnapshotView, StorageClassView, StorageSnapshot, VolumeView } from './ipc-contract';

type Obj = { metadata: any; spec?: any; status?: any; [k: string]: any };

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const IN_TREE_SOURCES = ['hostPath', 'local', 'nfs', 'iscsi', 'fc', 'cephfs', 'rbd'];

const terminating = (o: Obj, phase: string | undefined, fallback: string) => (o.metadata.deletionTimestamp ? 'Terminating' : (phase ?? fallback));

/** claim names a pod mounts: persistentVolumeClaim volumes, and generic ephemeral ones as <pod>-<volume> */
function podClaims(p: Obj): string[] {
  return (p.spec?.volumes ?? []).flatMap((v: any) =>
    v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : v.ephemeral ? [`${p.metadata.name}-${v.name}`] : [],
  );
}

export function claimView(c: Obj, pods: Obj[]): ClaimView {
  const ns = c.metadata.namespace;
  return {
    namespace: ns,
    name: c.metadata.name,
    uid: c.metadata.uid,
    status: terminating(c, c.status?.phase, 'Pending'),
    volume: c.spec?.volumeName || undefined,
    capacity: c.status?.capacity?.storage ?? c.spec?.resources?.requests?.storage ?? '',
    accessModes: c.status?.accessModes ?? c.spec?.accessModes ?? [],
    storageClass: c.spec?.storageClassName ?? undefined,
    selectedNode: c.metadata.annotations?.[SELECTED_NODE],
    usedBy: pods.filter((p) => p.metadata.namespace === ns && podClaims(p).includes(c.metadata.name)).map((p) => p.metadata.name),
  };
}

/** the single node a node affinity names (a provisioned volume's topology, a local volume's node) */
function affinityNode(pv: Obj): string | undefined {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  const values = terms.length === 1 && terms[0].matchExpressions?.length === 1 ? terms[0].matchExpressions[0].values : undefined;
  return values?.length === 1 ? values[0] : undefined;
}

export function volumeView(pv: Obj, attachments: Obj[]): VolumeView {
  const ref = pv.spec?.claimRef;
  return {
    name: pv.metadata.name,
    uid: pv.metadata.uid,
    status: terminating(pv, pv.status?.phase, 'Pending'),
    capacity: pv.spec?.capacity?.storage ?? '',
    reclaimPolicy: pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain',
    claim: ref?.name ? `${ref.namespace}/${ref.name}` : undefined,
    storageClass: pv.spec?.storageClassName || undefined,
    source: pv.spec?.csi?.driver ?? IN_TREE_SOURCES.find((s) => pv.spec?.[s]) ?? 'unknown',
    node: affinityNode(pv),
    attachments: attachments
      .filter((va) => va.spec?.source?.persistentVolumeName === pv.metadata.name)
      .map((va) => ({ node: va.spec.nodeName, attached: !!va.status?.attached }))
      .sort((a, b) => a.node.localeCompare(b.node)),
  };
}

export function storageClassView(sc: Obj): StorageClassView {
  return {
    name: sc.metadata.name,
    provisioner: sc.provisioner,
    isDefault: sc.metadata.annotations?.[DEFAULT_CLASS] === 'true',
    bindingMode: sc.volumeBindingMode ?? 'Immediate',
    reclaimPolicy: sc.reclaimPolicy ?? 'Delete',
    allowExpansion: !!sc.allowVolumeExpansion,
  };
}

export function snapshotView(vs: Obj): SnapshotView {
  const src = vs.spec?.source ?? {};
  return {
    namespace: vs.metadata.namespace,
    name: vs.metadata.name,
    uid: vs.metadata.uid,
    source: src.persistentVolumeClaimName ? `pvc/${src.persistentVolumeClaimName}` : `content/${src.volumeSnapshotContentName ?? ''}`,
    ready: vs.status?.readyToUse === true,
    restoreSize: vs.status?.restoreSize ?? undefined,
    content: vs.status?.boundVolumeSnapshotContentName ?? undefined,
    snapshotClass: vs.spec?.volumeSnapshotClassName ?? undefined,
    error: vs.status?.error?.message ?? undefined,
  };
}

const byName = (a: Obj, b: Obj) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`);

export function storageSnapshot(objs: { claims: Obj[]; volumes: Obj[]; classes: Obj[]; snapshots: Obj[]; attachments: Obj[]; pods: Obj[] }): StorageSnapshot {
  return {
    claims: [...objs.claims].sort(byName).map((c) => claimView(c, objs.pods)),
    volumes: [...objs.volumes].sort(byName).map((v) => volumeView(v, objs.attachments)),
    classes: [...objs.classes].sort(byName).map(storageClassView),
    snapshots: [...objs.snapshots].sort(byName).map(snapshotView),
  };
}
