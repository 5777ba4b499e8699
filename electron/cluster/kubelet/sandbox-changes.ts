// What the kubelet makes of a pod sandbox that stopped or vanished under a pod that still exists (a student's
// `crictl stopp` / `crictl rmp -f` on the node): upstream's SyncPod sees no ready sandbox, kills what is left and
// starts the pod again in a new sandbox, its containers as their next attempt.
import type { SandboxStatus } from '../runtime/interface';
import type { PodState } from './pod-state';

/** the reason and message the kubelet reports for a container the runtime no longer knows */
const UNKNOWN = { reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' };

/**
 * Marks the pod's containers as ended with the sandbox: a removed container reads as ContainerStatusUnknown (exit
 * 137), as upstream reports one it cannot locate; the next start of each is its next attempt. Returns whether a
 * new sandbox is due: a pod that never restarts (Never, or OnFailure with every container succeeded) gets none.
 */
export function containersLostWithSandbox(st: PodState, now: number): boolean {
  for (const rec of st.containers.values()) {
    if (!rec.id) continue;
    if (!rec.status || rec.status.state !== 'exited')
      rec.status = {
        ...(rec.status ?? { id: rec.id, name: rec.name, sandboxId: st.sandboxId ?? '', image: '', imageRef: '', createdAt: now, attempt: rec.attempt }),
        state: 'exited',
        exitCode: 137,
        ...UNKNOWN,
        startedAt: undefined,
        finishedAt: undefined,
      };
    rec.ready = false;
    rec.started = false;
  }
  const policy = st.pod.spec?.restartPolicy ?? 'Always';
  const ran = [...st.containers.values()].filter((r) => r.kind === 'regular' && r.status);
  if (policy === 'Never' && ran.length) return false;
  if (policy === 'OnFailure' && ran.length && ran.every((r) => r.status?.exitCode === 0)) return false;
  return true;
}

/** a sandbox the kubelet still counts as the pod's, but that is not ready any more (or is gone) */
export const sandboxLost = (s: SandboxStatus | undefined) => !s || s.state !== 'ready';
