// The STATUS column of `kubectl get pods`, and the other summaries the cluster view shows, computed from objects.
import type { EventView, NodeView, PodView } from './ipc-contract';

type Obj = { metadata: any; spec?: any; status?: any; [k: string]: any };

export function podStatus(p: Obj): string {
  const st = p.status ?? {};
  let reason: string = st.reason || st.phase || 'Pending';
  const inits: any[] = st.initContainerStatuses ?? [];
  const initTotal = (p.spec?.initContainers ?? []).length;
  let initializing = false;
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i].state ?? {};
    if (s.terminated && s.terminated.exitCode === 0) continue;
    initializing = true;
    if (s.terminated) reason = s.terminated.reason ? `Init:${s.terminated.reason}` : `Init:ExitCode:${s.terminated.exitCode}`;
    else if (s.waiting?.reason && s.waiting.reason !== 'PodInitializing') reason = `Init:${s.waiting.reason}`;
    else reason = `Init:${i}/${initTotal}`;
    break;
  }
  if (!initializing) {
    let running = false;
    for (const c of [...(st.containerStatuses ?? [])].reverse()) {
      const s = c.state ?? {};
      if (s.waiting?.reason) reason = s.waiting.reason;
      else if (s.terminated) reason = s.terminated.reason || (s.terminated.signal ? `Signal:${s.terminated.signal}` : `ExitCode:${s.terminated.exitCode}`);
      else if (s.running && c.ready) running = true;
    }
    if (reason === 'Completed' && running) reason = 'Running';
  }
  if (p.metadata.deletionTimestamp) reason = st.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

export function podView(p: Obj): PodView {
  const cs: any[] = p.status?.containerStatuses ?? [];
  const total = (p.spec?.containers ?? []).length;
  const owner = (p.metadata.ownerReferences ?? []).find((o: any) => o.controller) ?? p.metadata.ownerReferences?.[0];
  return {
    namespace: p.metadata.namespace,
    name: p.metadata.name,
    uid: p.metadata.uid,
    phase: p.status?.phase ?? 'Pending',
    status: podStatus(p),
    ready: `${cs.filter((c) => c.ready).length}/${total}`,
    restarts: cs.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    nodeName: p.spec?.nodeName,
    owner: owner ? { kind: owner.kind, name: owner.name } : undefined,
    created: p.metadata.creationTimestamp ?? '',
  };
}

export function nodeView(n: Obj): NodeView {
  const ready = (n.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return {
    name: n.metadata.name,
    ready: ready?.status === 'True',
    readyStatus: ready?.status === 'True' || ready?.status === 'False' ? ready.status : 'Unknown',
    powered: n.metadata.annotations?.['kubelab.io/power'] !== 'off',
    roles,
    unschedulable: !!n.spec?.unschedulable,
    kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? '',
    taints: (n.spec?.taints ?? []).map((t: any) => `${t.key}${t.value ? '=' + t.value : ''}:${t.effect}`),
  };
}

export function eventView(e: Obj): EventView {
  const io = e.involvedObject ?? e.regarding ?? {};
  return {
    uid: e.metadata.uid,
    namespace: e.metadata.namespace ?? '',
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? e.note ?? '',
    object: `${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
    count: e.count ?? e.series?.count ?? 1,
    time: e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '',
  };
}
