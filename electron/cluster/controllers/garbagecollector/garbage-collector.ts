// Garbage collection by ownerReferences, as upstream: dependents of a vanished owner are deleted (background),
// "orphan" owners release their dependents first, "foregroundDeletion" owners wait until their blocking dependents are gone.
import type { Client, InformerFactory } from '../../client/types';
import type { GVR, KObject } from '../../api/types';
import { StatusError } from '../../api/errors';
import { WorkQueue } from '../workqueue';
import { OwnerGraph, type GraphNode } from './graph';
import { bestEffort, componentLog } from '../../best-effort';
import { isNotFound } from '../../client/errors';

const log = componentLog('garbage-collector');

export interface KindResolver {
  /** apiVersion+kind → resource (undefined when the kind is not served) */
  resolve(apiVersion: string, kind: string): { gvr: GVR; namespaced: boolean } | undefined;
  /** every stored resource to watch, refreshed when CRDs change */
  resources(): GVR[];
  onChange(fn: () => void): void;
}

export function startGarbageCollector(client: Client, informers: InformerFactory, kinds: KindResolver): { stop(): void } {
  const graph = new OwnerGraph();
  const watched = new Set<string>();

  // attempt to process a node: key = uid
  const queue = new WorkQueue(
    async (uid) => {
      const n = graph.nodes.get(uid);
      if (!n) return;
      if (n.deleting) await processDeleting(n);
      await processOwners(n);
    },
    { workers: 4, name: 'garbage-collector' },
  );

  async function ownerExists(dep: GraphNode, ref: GraphNode['owners'][number]): Promise<boolean | 'unknown'> {
    const known = graph.nodes.get(ref.uid);
    if (known) return true;
    const k = kinds.resolve(ref.apiVersion, ref.kind);
    if (!k) return 'unknown';
    try {
      const o = await client.get(k.gvr, k.namespaced ? dep.namespace : undefined, ref.name);
      return o.metadata.uid === ref.uid;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return false;
      throw err;
    }
  }

  async function processOwners(n: GraphNode): Promise<void> {
    if (!n.owners.length || n.deleting) return;
    let absent = 0,
      waitingForeground = false;
    const solid: string[] = [];
    for (const ref of n.owners) {
      const exists = await ownerExists(n, ref);
      if (exists === false) absent++;
      else if (exists === true) {
        const owner = graph.nodes.get(ref.uid);
        if (owner?.deleting && owner.finalizers.includes('foregroundDeletion')) waitingForeground = true;
        else solid.push(ref.uid);
      } else solid.push(ref.uid);
    }
    if (absent === 0 && !waitingForeground) return;
    if (solid.length > 0) {
      // some owners remain: drop only the references to the dangling ones
      if (absent > 0) {
        const keep = n.owners.filter((r) => solid.includes(r.uid) || graph.nodes.get(r.uid)?.deleting);
        await patchOwnerRefs(
          n,
          keep.map((r) => r.uid),
        );
      }
      return;
    }
    const policy = waitingForeground ? 'Foreground' : 'Background';
    await client.delete(n.gvr, n.namespace, n.name, { propagationPolicy: policy, preconditions: { uid: n.uid } }).catch(ignoreGone);
  }

  async function processDeleting(n: GraphNode): Promise<void> {
    const deps = graph.dependentsOf(n.uid);
    if (n.finalizers.includes('orphan')) {
      for (const d of deps) {
        const keep = d.owners.filter((r) => r.uid !== n.uid).map((r) => r.uid);
        await patchOwnerRefs(d, keep);
      }
      await removeFinalizer(n, 'orphan');
      return;
    }
    if (n.finalizers.includes('foregroundDeletion')) {
      const blocking = deps.filter((d) => d.owners.some((r) => r.uid === n.uid && r.blockOwnerDeletion));
      for (const d of deps)
        if (!d.deleting) await client.delete(d.gvr, d.namespace, d.name, { propagationPolicy: 'Foreground', preconditions: { uid: d.uid } }).catch(ignoreGone);
      if (blocking.length === 0) await removeFinalizer(n, 'foregroundDeletion');
      else for (const d of blocking) queue.addAfter(d.uid, 200);
    }
  }

  async function patchOwnerRefs(n: GraphNode, keepUids: string[]): Promise<void> {
    const cur = await bestEffort(client.get(n.gvr, n.namespace, n.name), `reading ${n.gvr.resource} ${n.namespace ? n.namespace + '/' : ''}${n.name}`, log, {
      expected: isNotFound,
    });
    if (!cur || cur.metadata.uid !== n.uid) return;
    const refs = (cur.metadata.ownerReferences ?? []).filter((r) => keepUids.includes(r.uid));
    await client
      .patch(n.gvr, n.namespace, n.name, 'merge', { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: cur.metadata.resourceVersion } })
      .catch(ignoreGone);
  }

  async function removeFinalizer(n: GraphNode, f: string): Promise<void> {
    const cur = await bestEffort(client.get(n.gvr, n.namespace, n.name), `reading ${n.gvr.resource} ${n.namespace ? n.namespace + '/' : ''}${n.name}`, log, {
      expected: isNotFound,
    });
    if (!cur || cur.metadata.uid !== n.uid) return;
    const fins = (cur.metadata.finalizers ?? []).filter((x) => x !== f);
    await client
      .patch(n.gvr, n.namespace, n.name, 'merge', { metadata: { finalizers: fins.length ? fins : null, resourceVersion: cur.metadata.resourceVersion } })
      .catch(ignoreGone);
  }

  function watchResource(gvr: GVR): void {
    const k = `${gvr.group}/${gvr.version}/${gvr.resource}`;
    if (watched.has(k)) return;
    watched.add(k);
    const inf = informers.informer(gvr);
    const onChange = (o: KObject) => {
      const { node } = graph.upsert(gvr, o);
      if (node.owners.length || node.deleting) queue.add(node.uid);
      // an owner being deleted wakes its dependents (foreground) and itself
      if (node.deleting) for (const d of graph.dependentsOf(node.uid)) queue.add(d.uid);
    };
    inf.onAdd(onChange);
    inf.onUpdate((_a, o) => onChange(o));
    inf.onDelete((o) => {
      const uid = o.metadata.uid!;
      const removed = graph.remove(uid);
      for (const d of graph.dependentsOf(uid)) queue.add(d.uid);
      // an owner waiting for this dependent (foreground) may now finish
      if (removed) for (const ow of removed.owners) if (graph.nodes.get(ow.uid)?.deleting) queue.add(ow.uid);
    });
  }
  for (const r of kinds.resources()) watchResource(r);
  kinds.onChange(() => {
    for (const r of kinds.resources()) watchResource(r);
  });
  return { stop: () => queue.stop() };
}

function ignoreGone(err: unknown): void {
  if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return;
  throw err;
}
