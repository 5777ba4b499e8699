// Which of a container's logs can be served, decided from the pod status the way the kubelet does before it
// opens a log file; the returned messages are the ones `kubectl logs` shows (as a 400 BadRequest).

interface ContainerStateLike {
  waiting?: { reason?: string };
  running?: unknown;
  terminated?: { containerID?: string };
}
interface ContainerStatusLike {
  name: string;
  containerID?: string;
  state?: ContainerStateLike;
  lastState?: ContainerStateLike;
}
export interface PodStatusLike {
  containerStatuses?: ContainerStatusLike[];
  initContainerStatuses?: ContainerStatusLike[];
  ephemeralContainerStatuses?: ContainerStatusLike[];
}

export type LogSource = 'current' | 'previous';

/**
 * Picks which run of the container to read ('current' = the running or last finished one, 'previous' = the one
 * before it) or explains why there is nothing to read. `strict` also requires container IDs, as the kubelet does
 * with its own status; the API server's copy may omit them.
 */
export function containerLogSource(
  podName: string,
  status: PodStatusLike | undefined,
  container: string,
  previous: boolean,
  strict = true,
): { source: LogSource } | { error: string } {
  const all = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? []), ...(status?.ephemeralContainerStatuses ?? [])];
  const cs = all.find((c) => c.name === container);
  const q = (s: string) => JSON.stringify(s);
  if (!cs) return { error: `container ${q(container)} in pod ${q(podName)} is not available` };
  const last = cs.lastState?.terminated;
  const st = cs.state ?? {};
  const hasId = (id: string | undefined) => !strict || !!id;
  if (previous) {
    if (!last || !hasId(last.containerID)) return { error: `previous terminated container ${q(container)} in pod ${q(podName)} not found` };
    return { source: 'previous' };
  }
  if (st.running) return { source: 'current' };
  if (st.terminated) {
    if (hasId(st.terminated.containerID)) return { source: 'current' };
    if (last && hasId(last.containerID)) return { source: 'previous' };
    return { error: `container ${q(container)} in pod ${q(podName)} is terminated` };
  }
  if (last) {
    if (!hasId(last.containerID)) return { error: `container ${q(container)} in pod ${q(podName)} is terminated` };
    return { source: 'previous' };
  }
  if (st.waiting) {
    const reason = st.waiting.reason ?? '';
    if (reason === 'ErrImagePull') return { error: `container ${q(container)} in pod ${q(podName)} is waiting to start: image can't be pulled` };
    if (reason === 'ImagePullBackOff') return { error: `container ${q(container)} in pod ${q(podName)} is waiting to start: trying and failing to pull image` };
    return { error: `container ${q(container)} in pod ${q(podName)} is waiting to start: ${reason}` };
  }
  return { error: `container ${q(container)} in pod ${q(podName)} is waiting to start - no logs yet` };
}
