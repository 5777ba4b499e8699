// The scheduler's VolumeBinding (with NodeVolumeLimits' CSI count) for the pods' claims: PreFilter rejects pods whose
// claims are missing, being deleted, or unbound with Immediate binding; Filter checks bound volumes' node affinity,
// whether a WaitForFirstConsumer claim can bind a static volume or be provisioned on the node, and the node's CSI
// volume limit; PreBind pre-binds the chosen static volume or records the node for the provisioner
// (volume.kubernetes.io/selected-node), then — as upstream — holds the pod's Binding back until the PV controller has
// bound those claims (or the claim goes, the provisioner gives the node back, the pod goes, or the bind timeout ends).
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { Client, InformerFactory } from '../client/types';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { storageClassOf } from '../api/kinds/core/storage-common';
import type { VolumeBindingHook } from '../scheduler/plugins/volume-binding';
import type { ClusterEvent } from '../scheduler/queue';
import { unresolvable, unschedulable, type CycleState } from '../scheduler/types';
import { topologyAllows } from '../csi/provisioner';
import {
  ANN_BIND_COMPLETED,
  ANN_SELECTED_NODE,
  ephemeralClaimName,
  findMatchingVolume,
  isDelayBinding,
  podClaimNames,
  volumeNodeAffinityMatches,
} from './binding';

export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_MAX_VOLUME_COUNT = 'node(s) exceed max volume count';
export const ERR_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';
const RWOP_STATE_KEY = 'VolumeRestrictions';
const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
const STATE_KEY = 'VolumeBinding';
/** upstream's VolumeBinding bindTimeoutSeconds default */
export const DEFAULT_BIND_TIMEOUT_MS = 600_000;

type PVC = PersistentVolumeClaim & KObject;
type PV = PersistentVolume & KObject;
interface PodVolumes {
  bound: { pvc: PVC; pv?: PV }[];
  delayed: PVC[];
}
/** a pod whose Binding waits for its claims: re-checked on every claim, volume or pod change */
interface BindWaiter {
  check(): void;
}
interface WaitedClaim {
  name: string;
  uid: string;
  seenSelected?: boolean;
}

export function storageScheduling(
  client: Client,
  informers: InformerFactory,
  opts: { bindTimeoutMs?: number } = {},
): VolumeBindingHook & { onChange(fn: (e: ClusterEvent) => void): void } {
  const claims = informers.informer<PVC>(R.persistentvolumeclaims);
  const volumes = informers.informer<PV>(R.persistentvolumes);
  const classes = informers.informer<StorageClass & KObject>(R.storageclasses);
  const csinodes = informers.informer(R.csinodes);
  const pods = informers.informer<Pod & KObject>(R.pods);
  const listeners: ((e: ClusterEvent) => void)[] = [];
  const waiters = new Set<BindWaiter>();
  const recheck = () => {
    for (const w of waiters) w.check();
  };
  const changed = (label: string) => () => {
    for (const l of listeners) l({ label, plugins: new Set(['VolumeBinding', 'VolumeRestrictions']) });
    recheck();
  };
  for (const [inf, label] of [
    [claims, 'PersistentVolumeClaim'],
    [volumes, 'PersistentVolume'],
    [classes, 'StorageClass'],
    [csinodes, 'CSINode'],
  ] as const) {
    inf.onAdd(changed(`${label}Add`));
    inf.onUpdate(changed(`${label}Update`));
  }
  claims.onDelete(recheck);
  pods.onDelete(recheck);

  /**
   * upstream's checkBindings for one claim: true once the PV controller finished the bind (volumeName, bind-completed,
   * the volume's claimRef to this claim); an Error when waiting is pointless
   */
  function claimBound(ns: string | undefined, c: WaitedClaim, nodeName: string): boolean | Error {
    const pvc = claims.getByName(ns, c.name);
    if (!pvc || pvc.metadata.uid !== c.uid) return new Error(`failed to get pvc "${ns}/${c.name}" from cache: persistentvolumeclaim "${c.name}" not found`);
    if (!pvc.spec?.volumeName) {
      // the provisioner gave the node back (it cannot provision there): the pod must be scheduled again. Only once the
      // cache has shown our annotation: before that, a missing one is just the informer lagging our own write
      const selected = pvc.metadata.annotations?.[ANN_SELECTED_NODE] === nodeName;
      if (selected) c.seenSelected = true;
      else if (c.seenSelected) return new Error(`selectedNode annotation reset for PVC "${c.name}"`);
      return false;
    }
    const pv = volumes.getByName(undefined, pvc.spec.volumeName);
    return !!pv && pv.spec?.claimRef?.uid === c.uid && pvc.metadata.annotations?.[ANN_BIND_COMPLETED] === 'yes';
  }

  /** resolves when every claim is bound; rejects on a dead end, when the pod is gone, or at the bind timeout */
  function waitForBound(pod: Pod, claimsToWait: WaitedClaim[], nodeName: string): Promise<void> {
    const ns = pod.metadata?.namespace;
    const timeoutMs = opts.bindTimeoutMs ?? DEFAULT_BIND_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const finish = (err?: Error) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        if (err) reject(err);
        else resolve();
      };
      const waiter: BindWaiter = {
        check() {
          const current = pods.getByName(ns, pod.metadata?.name ?? '');
          if (!current || current.metadata.uid !== pod.metadata?.uid) return finish(Object.assign(new Error('pod was deleted'), { code: 404 }));
          let all = true;
          for (const c of claimsToWait) {
            const r = claimBound(ns, c, nodeName);
            if (r instanceof Error) return finish(r);
            all &&= r;
          }
          if (all) finish();
        },
      };
      const timer = setTimeout(() => finish(new Error('binding volumes: context deadline exceeded')), timeoutMs);
      timer.unref?.();
      waiters.add(waiter);
      waiter.check();
    });
  }

  const classOf = (pvc: PVC) => classes.getByName(undefined, storageClassOf(pvc));

  /** how many of a node's other pods use one of these ReadWriteOncePod claims */
  function rwopUsers(pods: Iterable<{ pod: Pod }>, self: Pod, rwop: Set<string>): number {
    let n = 0;
    for (const { pod } of pods) {
      if (pod.metadata?.uid === self.metadata?.uid || pod.metadata?.namespace !== self.metadata?.namespace) continue;
      for (const c of podClaimNames(pod)) if (rwop.has(c)) n++;
    }
    return n;
  }
  /** VolumeRestrictions' ReadWriteOncePod check: its PreFilter counts the claims' users per node */
  const restrictions: VolumeBindingHook['restrictions'] = {
    preFilter(state, pi, snapshot) {
      const rwop = new Set(
        podClaimNames(pi.pod).filter((n) => claims.getByName(pi.pod.metadata?.namespace, n)?.spec?.accessModes?.includes('ReadWriteOncePod')),
      );
      if (!rwop.size) return null;
      const perNode = new Map<string, number>();
      for (const ni of snapshot.nodeInfos()) perNode.set(ni.name, rwopUsers(ni.pods.values(), pi.pod, rwop));
      state.set(RWOP_STATE_KEY, { rwop, perNode });
      return null;
    },
    filter(state, pi, nodeInfo) {
      const st = state.get(RWOP_STATE_KEY) as { rwop: Set<string>; perNode: Map<string, number> } | undefined;
      if (!st) return null;
      // this node's users are counted from the node as the filter sees it, so preemption may free the claim by
      // evicting them; users on other nodes count as the PreFilter found them
      let users = rwopUsers(nodeInfo.pods.values(), pi.pod, st.rwop);
      for (const [name, n] of st.perNode) if (name !== nodeInfo.name) users += n;
      return users > 0 ? unschedulable(ERR_RWOP_CONFLICT) : null;
    },
  };

  /** the CSI volume handles the pods on a node use (what NodeVolumeLimits counts) */
  function csiVolumesOf(pods: Pod[]): Set<string> {
    const out = new Set<string>();
    for (const p of pods)
      for (const n of podClaimNames(p)) {
        const pvc = claims.getByName(p.metadata?.namespace, n);
        const pv = pvc?.spec?.volumeName ? volumes.getByName(undefined, pvc.spec.volumeName) : undefined;
        if (pv?.spec?.csi) out.add(`${pv.spec.csi.driver}/${pv.spec.csi.volumeHandle}`);
        else if (pvc && !pvc.spec?.volumeName) out.add(`pending/${p.metadata?.namespace}/${n}`);
      }
    return out;
  }

  return {
    restrictions,
    onChange: (fn) => {
      listeners.push(fn);
    },
    preFilter(state: CycleState, pi) {
      const pod = pi.pod;
      const ns = pod.metadata?.namespace;
      const vols: PodVolumes = { bound: [], delayed: [] };
      for (const v of pod.spec?.volumes ?? []) {
        const name = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? ephemeralClaimName(pod, v.name) : undefined);
        if (!name) continue;
        const pvc = claims.getByName(ns, name);
        if (!pvc)
          return unresolvable(
            v.ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found`,
          );
        if (pvc.metadata.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
        if (v.ephemeral && !(pvc.metadata.ownerReferences ?? []).some((o) => o.uid === pod.metadata?.uid)) {
          return unresolvable(`PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata?.name} (pod is not owner)`);
        }
        if (pvc.spec?.volumeName) vols.bound.push({ pvc, pv: volumes.getByName(undefined, pvc.spec.volumeName) });
        else if (isDelayBinding(classOf(pvc))) vols.delayed.push(pvc);
        else return unresolvable(ERR_UNBOUND_IMMEDIATE);
      }
      state.set(STATE_KEY, vols);
      return null;
    },
    filter(state, pi, nodeInfo) {
      const vols = state.get(STATE_KEY) as PodVolumes | undefined;
      const node = nodeInfo.node as Node | undefined;
      if (!vols || !node || (!vols.bound.length && !vols.delayed.length)) return null;
      for (const b of vols.bound) {
        if (!b.pv) return unresolvable(ERR_PV_NOT_EXIST);
        if (!volumeNodeAffinityMatches(b.pv, node)) return unresolvable(ERR_NODE_CONFLICT);
      }
      for (const pvc of vols.delayed) {
        if (
          findMatchingVolume(
            pvc,
            volumes.list().filter((v) => !v.spec?.claimRef || v.spec.claimRef.uid === pvc.metadata.uid || !v.spec.claimRef.uid),
            node,
          )
        )
          continue;
        const sc = classOf(pvc)!;
        const registered = (csinodes.getByName(undefined, nodeInfo.name)?.spec?.drivers ?? []).some((d: any) => d.name === sc.provisioner);
        if (!registered || !topologyAllows(sc, node)) return unschedulable(ERR_BIND_CONFLICT);
      }
      // NodeVolumeLimits (CSI): the node's attachable count covers the volumes already there plus the pod's new ones
      const limit = (csinodes.getByName(undefined, nodeInfo.name)?.spec?.drivers ?? [])[0]?.allocatable?.count;
      if (limit !== undefined) {
        const onNode = csiVolumesOf([...nodeInfo.pods.values()].map((p) => p.pod));
        const mine = csiVolumesOf([pi.pod]);
        let total = onNode.size;
        for (const v of mine) if (!onNode.has(v)) total++;
        if (mine.size && total > limit) return unschedulable(ERR_MAX_VOLUME_COUNT);
      }
      return null;
    },
    async preBind(pod, nodeName) {
      const ns = pod.metadata?.namespace;
      const pending: WaitedClaim[] = [];
      for (const name of podClaimNames(pod)) {
        const pvc = claims.getByName(ns, name);
        if (!pvc || pvc.spec?.volumeName || !isDelayBinding(classOf(pvc))) continue;
        pending.push({ name, uid: pvc.metadata.uid! });
        const node = { metadata: { name: nodeName, labels: {} } } as Node;
        const nodeObj = (informers.informer(R.nodes).getByName(undefined, nodeName) as Node | undefined) ?? node;
        const pv = findMatchingVolume(
          pvc,
          volumes.list().filter((v) => !v.spec?.claimRef || !v.spec.claimRef.uid),
          nodeObj,
        );
        if (pv) {
          await client.patch(R.persistentvolumes, undefined, pv.metadata.name!, 'merge', {
            metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' }, resourceVersion: pv.metadata.resourceVersion },
            spec: {
              claimRef: {
                apiVersion: 'v1',
                kind: 'PersistentVolumeClaim',
                namespace: ns,
                name,
                uid: pvc.metadata.uid,
                resourceVersion: pvc.metadata.resourceVersion,
              },
            },
          });
        } else if (pvc.metadata.annotations?.[ANN_SELECTED_NODE] !== nodeName) {
          await client.patch(R.persistentvolumeclaims, ns, name, 'merge', { metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName } } });
        }
      }
      if (pending.length) await waitForBound(pod, pending, nodeName);
    },
  };
}
