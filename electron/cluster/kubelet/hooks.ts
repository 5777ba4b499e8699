// postStart / preStop lifecycle handlers (exec, httpGet, sleep) run through the runtime.
import type { ContainerRuntime } from '../runtime/interface';
import { httpGetOverStream } from './http-probe';
import { withTimeout } from './settings';

export interface HookTarget {
  runtime: ContainerRuntime;
  containerId: string;
  sandboxId: string;
  podIP: string;
}

/** resolves with undefined on success, or the failure message the kubelet puts in its FailedPostStartHook event */
export async function runHook(handler: any, t: HookTarget, timeoutSeconds: number): Promise<string | undefined> {
  if (!handler) return undefined;
  try {
    if (handler.exec) {
      const cmd: string[] = handler.exec.command ?? [];
      const r = await withTimeout(t.runtime.execSync(t.containerId, cmd, timeoutSeconds), timeoutSeconds * 1000 + 1000, 'hook');
      if (r.exitCode !== 0) return `command '${cmd.join(' ')}' exited with ${r.exitCode}: ${r.stderr}, message: ${JSON.stringify(r.stdout)}`;
      return undefined;
    }
    if (handler.httpGet) {
      const h = handler.httpGet;
      const port = typeof h.port === 'number' ? h.port : Number(h.port) || 80;
      const sock = await withTimeout(t.runtime.probeConnect(t.sandboxId, port, h.host || undefined), timeoutSeconds * 1000, 'connect');
      const res = await httpGetOverStream(sock, `${h.host || t.podIP}:${port}`, h.path || '/', h.httpHeaders ?? [], timeoutSeconds * 1000);
      if (res.status < 200 || res.status >= 400) return `HTTP lifecycle hook (${h.path || '/'}) for Container failed: HTTP status ${res.status}`;
      return undefined;
    }
    if (handler.sleep) {
      const ms = Math.min(handler.sleep.seconds ?? 0, timeoutSeconds) * 1000;
      await new Promise((r) => setTimeout(r, ms));
      return undefined;
    }
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}
