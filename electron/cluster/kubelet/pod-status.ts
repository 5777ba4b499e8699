// The pod status the kubelet reports: phase, conditions, container statuses, IPs — shaped like kubelet v1.33's.
import type { KObject } from '../api/types';
import type { ContainerRecord, PodState, TerminatedInfo } from './pod-state';
import { rfc3339 } from '../api/time';

export interface StatusContext {
  hostIP: string;
  idScheme: string;
  now: () => number;
}

const OWN_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'];
const SEEDED_CONDITIONS = [...OWN_CONDITIONS, 'PodScheduled'];

export function terminatedFromRuntime(rec: ContainerRecord, idScheme: string): TerminatedInfo | undefined {
  const s = rec.status;
  if (!s || s.state !== 'exited') return undefined;
  const t: TerminatedInfo = {
    exitCode: s.exitCode ?? 0,
    reason: s.reason ?? ((s.exitCode ?? 0) === 0 ? 'Completed' : 'Error'),
    startedAt: s.startedAt ? rfc3339(s.startedAt) : undefined,
    finishedAt: s.finishedAt ? rfc3339(s.finishedAt) : undefined,
    containerID: `${idScheme}://${s.id}`,
  };
  const msg = s.terminationMessage ?? s.message;
  if (msg) t.message = msg;
  return t;
}

function terminatedJson(t: TerminatedInfo): Record<string, unknown> {
  const o: Record<string, unknown> = {
    containerID: t.containerID,
    exitCode: t.exitCode,
    finishedAt: t.finishedAt ?? null,
    reason: t.reason,
    startedAt: t.startedAt ?? null,
  };
  if (t.message) o.message = t.message;
  if (t.signal) o.signal = t.signal;
  if (!t.containerID) delete o.containerID;
  return o;
}

/** upstream's container-level "done" for phase computation */
type CState = 'waiting' | 'running' | 'terminated' | 'none';

export function recordState(rec: ContainerRecord | undefined): CState {
  if (!rec) return 'none';
  if (rec.waiting && rec.status?.state !== 'running') return 'waiting';
  if (rec.status?.state === 'running') return 'running';
  if (rec.status?.state === 'exited' || rec.lostTerminated) return 'terminated';
  return rec.status ? 'waiting' : 'none';
}

export function containerStatusJson(rec: ContainerRecord | undefined, spec: any, ctx: StatusContext, podInitializing: boolean): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  let lastState: Record<string, unknown> = {};
  const s = rec?.status;
  const exited = rec ? (terminatedFromRuntime(rec, ctx.idScheme) ?? rec.lostTerminated) : undefined;
  if (rec?.waiting && s?.state !== 'running') {
    state.waiting = { reason: rec.waiting.reason, ...(rec.waiting.message ? { message: rec.waiting.message } : {}) };
    // while waiting to restart, the run that just ended is the last state
    if (exited) lastState = { terminated: terminatedJson(exited) };
    else if (rec.last) lastState = { terminated: terminatedJson(rec.last) };
  } else if (s?.state === 'running') {
    state.running = { startedAt: rfc3339(s.startedAt ?? ctx.now()) };
    if (rec?.last) lastState = { terminated: terminatedJson(rec.last) };
  } else if (exited) {
    state.terminated = terminatedJson(exited);
    if (rec?.last) lastState = { terminated: terminatedJson(rec.last) };
  } else {
    state.waiting = { reason: podInitializing ? 'PodInitializing' : 'ContainerCreating' };
    if (rec?.last) lastState = { terminated: terminatedJson(rec.last) };
  }
  const out: Record<string, unknown> = {
    image: rec?.image?.ref ?? spec.image,
    // the runtime's image reference for this container, as the kubelet takes CRI's ImageRef (Docker: docker-pullable://…)
    imageID: s?.imageRef || rec?.image?.digest || '',
    lastState,
    name: spec.name,
    // a finished init container counts as ready, as upstream reports it
    ready: rec?.kind === 'init' && !rec.sidecar ? s?.state === 'exited' && s.exitCode === 0 : !!rec?.ready && s?.state === 'running',
    restartCount: rec?.attempt ?? 0,
    started: !!rec?.started && s?.state === 'running',
    state,
  };
  if (rec?.id) out.containerID = `${ctx.idScheme}://${rec.id}`;
  const res = spec.resources;
  if (res && (res.requests || res.limits))
    out.resources = { ...(res.limits ? { limits: res.limits } : {}), ...(res.requests ? { requests: res.requests } : {}) };
  if (spec.volumeMounts?.length) {
    out.volumeMounts = spec.volumeMounts.map((m: any) => ({
      mountPath: m.mountPath,
      name: m.name,
      ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
    }));
  }
  return out;
}

/** phase from container states, following the kubelet's getPhase */
export function computePhase(st: PodState): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  if (st.rejected) return 'Failed';
  if (st.finalPhase) return st.finalPhase;
  const spec = st.pod.spec ?? {};
  const policy: string = spec.restartPolicy ?? 'Always';
  let pendingInit = 0;
  for (const c of spec.initContainers ?? []) {
    const rec = st.containers.get(c.name);
    if (c.restartPolicy === 'Always') {
      if (!(rec?.status?.state === 'running' && rec.started)) pendingInit++;
      continue;
    }
    const ex = rec?.status?.state === 'exited' ? rec.status.exitCode : undefined;
    if (ex === 0 || rec?.lostTerminated?.exitCode === 0) continue;
    pendingInit++;
  }
  // once regular containers ran, init containers are done even if their records went away
  const anyRegularRan = (spec.containers ?? []).some((c: any) => st.containers.get(c.name)?.id || st.containers.get(c.name)?.lostTerminated);
  if (pendingInit && !anyRegularRan) return 'Pending';
  let running = 0,
    waiting = 0,
    stopped = 0,
    succeeded = 0;
  for (const c of spec.containers ?? []) {
    const rec = st.containers.get(c.name);
    const state = recordState(rec);
    if (state === 'running') running++;
    else if (state === 'terminated') {
      stopped++;
      const code = rec?.status?.exitCode ?? rec?.lostTerminated?.exitCode;
      if (code === 0) succeeded++;
    } else if (state === 'waiting' && (rec?.last || rec?.status?.state === 'exited')) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'OnFailure' ? 'Running' : 'Failed';
  }
  return 'Pending';
}

function condition(st: PodState, type: string, status: 'True' | 'False', now: string, reason?: string, message?: string): Record<string, unknown> {
  const prev = st.conditionTimes.get(type);
  let time = now;
  if (prev && prev.status === status) time = prev.time;
  else st.conditionTimes.set(type, { status, time: now });
  const c: Record<string, unknown> = { lastProbeTime: null, lastTransitionTime: time, status, type };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

export function seedConditionTimes(st: PodState, pod: KObject): void {
  for (const c of pod.status?.conditions ?? []) {
    if (SEEDED_CONDITIONS.includes(c.type) && c.lastTransitionTime) st.conditionTimes.set(c.type, { status: c.status, time: c.lastTransitionTime });
  }
}

export function buildPodStatus(st: PodState, ctx: StatusContext): Record<string, unknown> {
  const pod = st.pod;
  const prev = pod.status ?? {};
  const spec = pod.spec ?? {};
  const now = rfc3339(ctx.now());
  const phase = computePhase(st);
  const others = (prev.conditions ?? []).filter((c: any) => !OWN_CONDITIONS.includes(c.type));

  if (st.rejected) {
    const out: Record<string, unknown> = { ...prev, phase: 'Failed', reason: st.rejected.reason, message: st.rejected.message };
    if (!prev.startTime && st.startTime) out.startTime = st.startTime;
    return out;
  }

  const inits: any[] = spec.initContainers ?? [];
  const regular: any[] = spec.containers ?? [];
  const incompleteInit = inits
    .filter((c) => {
      const rec = st.containers.get(c.name);
      if (c.restartPolicy === 'Always') return !(rec?.status?.state === 'running' && rec.started) && phase !== 'Succeeded' && phase !== 'Failed';
      return !(rec?.status?.state === 'exited' && rec.status.exitCode === 0) && !(rec?.lostTerminated?.exitCode === 0);
    })
    .map((c) => c.name);
  const initialized = incompleteInit.length === 0 || regular.some((c) => st.containers.get(c.name)?.id);
  const unready = regular
    .filter((c) => {
      const r = st.containers.get(c.name);
      return !(r?.ready && r.status?.state === 'running');
    })
    .map((c) => c.name);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const sandboxReady = !!st.sandboxId && !terminal;

  const conds: Record<string, unknown>[] = [];
  conds.push(condition(st, 'PodReadyToStartContainers', sandboxReady ? 'True' : 'False', now));
  conds.push(
    initialized
      ? condition(st, 'Initialized', 'True', now, terminal && inits.length ? 'PodCompleted' : undefined)
      : condition(st, 'Initialized', 'False', now, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`),
  );
  const gates: string[] = (spec.readinessGates ?? []).map((g: any) => g.conditionType);
  const gateMissing = gates.filter((g) => !(prev.conditions ?? []).some((c: any) => c.type === g && c.status === 'True'));
  let readyCond: Record<string, unknown>;
  let containersReady: Record<string, unknown>;
  if (terminal) {
    readyCond = condition(st, 'Ready', 'False', now, 'PodCompleted');
    containersReady = condition(st, 'ContainersReady', 'False', now, 'PodCompleted');
  } else if (unready.length) {
    const msg = `containers with unready status: [${unready.join(' ')}]`;
    readyCond = condition(st, 'Ready', 'False', now, 'ContainersNotReady', msg);
    containersReady = condition(st, 'ContainersReady', 'False', now, 'ContainersNotReady', msg);
  } else {
    containersReady = condition(st, 'ContainersReady', 'True', now);
    readyCond = gateMissing.length
      ? condition(st, 'Ready', 'False', now, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${gateMissing[0]}" does not exist.`)
      : condition(st, 'Ready', 'True', now);
  }
  conds.push(readyCond, containersReady);
  // a pod bound without the scheduler (spec.nodeName set by hand) is still reported as scheduled
  if (!others.some((c: any) => c.type === 'PodScheduled')) others.push(condition(st, 'PodScheduled', 'True', now));

  const initPending = !initialized;
  const out: Record<string, unknown> = {
    ...prev,
    conditions: [...conds, ...others],
    hostIP: ctx.hostIP,
    hostIPs: [{ ip: ctx.hostIP }],
    phase,
    startTime: prev.startTime ?? st.startTime,
  };
  delete out.reason;
  delete out.message;
  if (st.finalReason) {
    out.reason = st.finalReason.reason;
    out.message = st.finalReason.message;
  }
  if (st.podIP) {
    out.podIP = st.podIP;
    out.podIPs = [{ ip: st.podIP }];
  }
  if (inits.length) out.initContainerStatuses = inits.map((c) => containerStatusJson(st.containers.get(c.name), c, ctx, false));
  else delete out.initContainerStatuses;
  out.containerStatuses = regular.map((c) => containerStatusJson(st.containers.get(c.name), c, ctx, initPending));
  const ephemeral: any[] = st.pod.spec?.ephemeralContainers ?? [];
  if (ephemeral.length) out.ephemeralContainerStatuses = ephemeral.map((c) => containerStatusJson(st.containers.get(c.name), c, ctx, initPending));
  return out;
}
