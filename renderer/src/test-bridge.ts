// A scripted stand-in for the main process in component tests.
import type { ApiEvents, EventName, KubelabBridge, Method, Params, Result } from '../../electron/app/ipc-contract';

export type Handlers = { [M in Method]?: (p: Params<M>) => Result<M> | Promise<Result<M>> };

export function fakeBridge(
  handlers: Handlers,
): KubelabBridge & { calls: { method: Method; params: unknown }[]; emit<E extends EventName>(e: E, p: ApiEvents[E]): void } {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: { method: Method; params: unknown }[] = [];
  return {
    calls,
    async invoke(method, params) {
      calls.push({ method, params });
      const h = handlers[method] as ((p: unknown) => unknown) | undefined;
      if (!h) throw new Error(`unexpected call ${method}`);
      return h(params) as never;
    },
    on(event, fn) {
      let s = listeners.get(event);
      if (!s) listeners.set(event, (s = new Set()));
      s.add(fn as (p: unknown) => void);
      return () => s.delete(fn as (p: unknown) => void);
    },
    emit(event, payload) {
      for (const f of listeners.get(event) ?? []) f(payload);
    },
  };
}
