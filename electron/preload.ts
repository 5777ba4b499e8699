// Runs sandboxed before the renderer: exposes exactly the typed bridge (invoke a known method, listen to a
// known event) and nothing of Node or Electron.
import { IPC_EVENT, IPC_INVOKE, isMethod, type ApiEvents, type EventName, type KubelabBridge } from './app/ipc-contract';
import type { ElectronPreload } from './app/electron-api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contextBridge, ipcRenderer } = require('electron') as ElectronPreload;

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
ipcRenderer.on(IPC_EVENT, (_e, event: string, payload: unknown) => {
  for (const fn of listeners.get(event) ?? []) fn(payload);
});

const bridge: KubelabBridge = {
  async invoke(method, params) {
    if (!isMethod(method)) throw new Error(`unknown method ${String(method)}`);
    const r = (await ipcRenderer.invoke(IPC_INVOKE, method, params)) as
      { ok: true; result: any } | { ok: false; error: { message: string; code?: number; reason?: string } };
    if (r.ok) return r.result;
    throw Object.assign(new Error(r.error.message), { code: r.error.code, reason: r.error.reason });
  },
  on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(fn as Listener);
    return () => {
      set.delete(fn as Listener);
    };
  },
};

contextBridge.exposeInMainWorld('kubelab', bridge);
