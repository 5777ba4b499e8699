// Resource arithmetic the way the scheduler counts it: cpu in millicores, everything else in whole units.
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { quantityMilli, quantityValue } from '../api/quantity';

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  /** extended resources (nvidia.com/gpu), hugepages-*, attachable-volumes-* */
  scalar: Map<string, number>;
}

// Defaults used only for scoring when a container asks for nothing, so empty pods still spread.
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const emptyResource = (): Resource => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() });

export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: new Map(r.scalar) };
}

/** ResourceList (map of quantity strings) → Resource. */
export function resourceFromList(list: Record<string, string | number> | undefined): Resource {
  const r = emptyResource();
  addList(r, list);
  return r;
}

function safe(fn: (v: string | number) => number, v: string | number): number {
  try {
    return fn(v);
  } catch {
    return 0;
  }
}

function addList(r: Resource, list: Record<string, string | number> | undefined, sign = 1): void {
  if (!list) return;
  for (const [name, q] of Object.entries(list)) {
    switch (name) {
      case 'cpu':
        r.milliCPU += sign * safe(quantityMilli, q);
        break;
      case 'memory':
        r.memory += sign * safe(quantityValue, q);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += sign * safe(quantityValue, q);
        break;
      case 'pods':
        r.allowedPodNumber += sign * safe(quantityValue, q);
        break;
      default:
        r.scalar.set(name, (r.scalar.get(name) ?? 0) + sign * safe(quantityValue, q));
    }
  }
}

export function addResource(into: Resource, r: Resource, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [k, v] of r.scalar) {
    const n = (into.scalar.get(k) ?? 0) + sign * v;
    if (n === 0) into.scalar.delete(k);
    else into.scalar.set(k, n);
  }
}

function maxInto(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

/**
 * A container's effective requests. The API server defaults requests from limits; doing the same here keeps
 * the scheduler right even for objects that skipped defaulting (e.g. `limits: {nvidia.com/gpu: 1}` only).
 */
function containerRequests(c: Container): Resource {
  const req = (c.resources?.requests ?? {}) as Record<string, string>;
  const lim = (c.resources?.limits ?? {}) as Record<string, string>;
  const merged: Record<string, string> = { ...lim, ...req };
  return resourceFromList(merged);
}

function nonZero(r: Resource, hasCPU: boolean, hasMem: boolean): Resource {
  const out = cloneResource(r);
  if (!hasCPU) out.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
  if (!hasMem) out.memory = DEFAULT_MEMORY_REQUEST;
  return out;
}

function hasRequest(c: Container, name: string): boolean {
  return !!((c.resources?.requests as Record<string, string> | undefined)?.[name] ?? (c.resources?.limits as Record<string, string> | undefined)?.[name]);
}

/**
 * Upstream's resource.PodRequests: regular containers and sidecars (restartable init containers) run together, so
 * they add up; each ordinary init container runs alone next to the sidecars started before it, so the pod needs
 * the max of that and the steady state; overhead comes on top.
 * With `nonZeroDefaults`, containers missing cpu/memory count as 100m / 200Mi (the scoring view).
 */
export function computePodRequests(pod: Pod, nonZeroDefaults = false): Resource {
  const spec = pod.spec;
  const reqs = emptyResource();
  if (!spec) return reqs;
  const view = (c: Container) => {
    const r = containerRequests(c);
    return nonZeroDefaults ? nonZero(r, hasRequest(c, 'cpu'), hasRequest(c, 'memory')) : r;
  };
  for (const c of spec.containers ?? []) addResource(reqs, view(c));
  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of spec.initContainers ?? []) {
    const r = view(c);
    if (c.restartPolicy === 'Always') {
      addResource(reqs, r);
      addResource(sidecars, r);
      // a sidecar's own start happens next to the sidecars already running
      const atStart = cloneResource(sidecars);
      maxInto(initMax, atStart);
    } else {
      const atRun = cloneResource(sidecars);
      addResource(atRun, r);
      maxInto(initMax, atRun);
    }
  }
  maxInto(reqs, initMax);
  if (spec.overhead) addList(reqs, spec.overhead as Record<string, string>);
  return reqs;
}

/** Node allocatable (falling back to capacity for nodes whose kubelet reported only capacity). */
export function nodeAllocatable(status: { allocatable?: Record<string, string>; capacity?: Record<string, string> } | undefined): Resource {
  return resourceFromList(status?.allocatable ?? status?.capacity);
}
