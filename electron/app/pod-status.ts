// The STATUS column of `kubectl get pods`, and the other summaries the cluster view shows, computed from objects.
import type { EventView, NodeView, PodView, ServiceEndpointView, ServiceView } from './ipc-contract';

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
    ip: p.status?.podIP || undefined,
    hostNetwork: p.spec?.hostNetwork === true || undefined,
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
    internalIP: (n.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address,
    podCIDR: n.spec?.podCIDR,
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

/** a Service and the addresses its EndpointSlices list, as `kubectl get svc` and `get endpointslices` show them */
export function serviceView(svc: Obj, slices: Obj[]): ServiceView {
  const spec = svc.spec ?? {};
  const endpoints: ServiceEndpointView[] = [];
  const seen = new Set<string>();
  for (const sl of slices)
    for (const ep of sl.endpoints ?? [])
      for (const ip of ep.addresses ?? []) {
        if (seen.has(ip)) continue;
        seen.add(ip);
        endpoints.push({ ip, ready: ep.conditions?.ready !== false, nodeName: ep.nodeName, pod: ep.targetRef?.kind === 'Pod' ? ep.targetRef.name : undefined });
      }
  return {
    namespace: svc.metadata.namespace,
    name: svc.metadata.name,
    type: spec.type ?? 'ClusterIP',
    clusterIP: spec.clusterIP,
    externalIPs: [...(spec.externalIPs ?? []), ...(svc.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname).filter(Boolean)],
    externalName: spec.externalName,
    ports: (spec.ports ?? []).map((p: any) => ({
      name: p.name,
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      targetPort: String(p.targetPort ?? p.port),
      nodePort: p.nodePort,
    })),
    endpoints,
  };
}
