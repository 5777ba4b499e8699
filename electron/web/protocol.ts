// Messages on the web mode's WebSocket: the typed API as calls, results and events.
import type { ApiEvents, BridgeError, EventName, Method } from '../app/ipc-contract';

export type ClientMessage = { t: 'call'; id: number; method: Method; params: unknown };
export type ServerMessage =
  | { t: 'result'; id: number; result: unknown }
  /** id null: the frame was not a call the server could read (no id to answer) */
  | { t: 'error'; id: number | null; error: BridgeError }
  | { t: 'event'; event: EventName; payload: ApiEvents[EventName] };

export function toBridgeError(e: unknown): BridgeError {
  const err = e as { message?: string; code?: unknown; reason?: unknown };
  return {
    message: err?.message ?? String(e),
    code: typeof err?.code === 'number' ? err.code : undefined,
    reason: typeof err?.reason === 'string' ? err.reason : undefined,
  };
}
