// The renderer's only way to the main process: Electron's preload bridge when present, else the web mode's
// WebSocket (same origin; the session cookie set from the printed URL authorises it).
import type { ApiEvents, EventName, KubelabBridge, Method, Params, Result } from '../../../electron/app/ipc-contract';

export class BridgeCallError extends Error {
  constructor(
    message: string,
    public code?: number,
    public reason?: string,
  ) {
    super(message);
  }
}

type Listener = (payload: unknown) => void;

export function createWebSocketBridge(url: string, WS: typeof WebSocket = WebSocket): KubelabBridge & { connected: Promise<void> } {
  const listeners = new Map<string, Set<Listener>>();
  const pending = new Map<number, { res: (v: unknown) => void; rej: (e: Error) => void }>();
  let next = 1;
  let ws: WebSocket;
  let opened: () => void;
  const connected = new Promise<void>((r) => {
    opened = r;
  });
  const emit = (event: string, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const open = () => {
    ws = new WS(url);
    ws.onopen = () => {
      opened();
      emit('bridge.open', null);
    };
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data));
      if (msg.t === 'event') emit(msg.event, msg.payload);
      else {
        const p = pending.get(msg.id);
        // an answer without a call of ours (id null): the server could not read a frame this page sent
        if (!p) return void (msg.t === 'error' && console.error('KubeLab bridge:', msg.error?.message));
        pending.delete(msg.id);
        if (msg.t === 'result') p.res(msg.result);
        else p.rej(new BridgeCallError(msg.error.message, msg.error.code, msg.error.reason));
      }
    };
    ws.onclose = () => {
      for (const p of pending.values()) p.rej(new BridgeCallError('connection to KubeLab lost'));
      pending.clear();
      emit('bridge.closed', null);
    };
  };
  open();
  return {
    connected,
    async invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      await connected;
      if (ws.readyState !== WS.OPEN) throw new BridgeCallError('not connected to KubeLab');
      const id = next++;
      return new Promise((res, rej) => {
        pending.set(id, { res: res as (v: unknown) => void, rej });
        ws.send(JSON.stringify({ t: 'call', id, method, params: params ?? null }));
      });
    },
    on<E extends EventName>(event: E, fn: (p: ApiEvents[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn as Listener);
      return () => set.delete(fn as Listener);
    },
  };
}

let bridge: KubelabBridge | undefined;
export function getBridge(): KubelabBridge {
  if (bridge) return bridge;
  const fromPreload = (globalThis as { kubelab?: KubelabBridge }).kubelab;
  bridge = fromPreload ?? createWebSocketBridge(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`);
  return bridge;
}
/** tests install a fake */
export function setBridge(b: KubelabBridge): void {
  bridge = b;
}

export const api = {
  call<M extends Method>(method: M, ...params: Params<M> extends void ? [] : [Params<M>]): Promise<Result<M>> {
    return getBridge().invoke(method, params[0] as Params<M>);
  },
  on<E extends EventName>(event: E, fn: (p: ApiEvents[E]) => void): () => void {
    return getBridge().on(event, fn);
  },
};
