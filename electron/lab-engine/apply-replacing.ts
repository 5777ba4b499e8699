// A solution's object against the student's own object of the same name. Server-side apply merges into it, which
// is what `kubectl apply` would do; but when the API refuses the merge (422: an immutable field such as a Deployment's
// selector, or a pod's containers changed), the student's object is deleted and the solution's created in its place —
// and the caller is told, so the student reads what happened to their work instead of a PATCH error.
import { ApiError, type KubeClient } from './kube-client';

export interface Replacement {
  kind: string;
  name: string;
  namespace?: string;
  /** the API's reason for refusing the merge (its Status message) */
  reason: string;
}

/** how long a replaced object may take to go (a pod's containers are stopped first) */
const GONE_TIMEOUT_MS = 60_000;

export async function applyReplacing(
  kube: KubeClient,
  obj: Record<string, any>,
  opts: { signal?: AbortSignal; replaced?: (r: Replacement) => void } = {},
): Promise<void> {
  try {
    await kube.apply(obj);
    return;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 422) throw err;
    const { apiVersion, kind } = obj;
    const { name, namespace } = obj.metadata ?? {};
    if (!(await kube.get(apiVersion, kind, name, namespace))) throw err;
    const reason = String(err.body?.message ?? err.message);
    // a pod is the student's scratch work here: no grace period to wait out before the solution's pod can exist
    await kube.delete(apiVersion, kind, name, namespace, 'Background', kind === 'Pod' ? 0 : undefined);
    await waitGone(kube, obj, opts.signal);
    try {
      await kube.apply(obj);
    } catch (again) {
      throw new Error(
        `your ${kind} ${name} was deleted because the solution could not be merged into it (${reason}), but creating the solution's failed: ${(again as Error).message}`,
      );
    }
    opts.replaced?.({ kind, name, namespace, reason });
  }
}

async function waitGone(kube: KubeClient, obj: Record<string, any>, signal?: AbortSignal): Promise<void> {
  const end = Date.now() + GONE_TIMEOUT_MS;
  const { name, namespace } = obj.metadata;
  while (await kube.get(obj.apiVersion, obj.kind, name, namespace)) {
    signal?.throwIfAborted();
    if (Date.now() > end) throw new Error(`${obj.kind} ${name} is still being deleted after ${GONE_TIMEOUT_MS / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
