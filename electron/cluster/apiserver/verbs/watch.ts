// watch (upstream's registry/rest watch.go): selectors and the resourceVersion are checked before the 200, then
// events stream as objects or, for kubectl's `get -w`, as Table rows; timeoutSeconds ends the stream.
import type { KObject } from '../../api/types';
import { StatusError, errInternal } from '../../api/errors';
import { intParam } from '../query-params';
import { queryBool, queryOptionalBool, type ApiResponse } from '../request';
import { toTable } from '../table';
import { listOpts } from './read';
import type { VerbContext } from './context';

export function watch({ server, req, entry, ns, accept }: VerbContext): ApiResponse {
  const q = req.query;
  const opts = { ...listOpts(q), allowWatchBookmarks: queryBool(q, 'allowWatchBookmarks'), sendInitialEvents: queryOptionalBool(q, 'sendInitialEvents') };
  const timeout = intParam(q, 'timeoutSeconds') ?? 0;
  // validate selectors and the resourceVersion before answering 200
  const preflight = server.registry.watch(entry, ns, { ...opts, resourceVersion: String(server.registry.store.revision()) }, () => undefined);
  preflight.cancel();
  return {
    kind: 'watch',
    status: 200,
    start: (send, end) => {
      let first = true;
      const emit = (ev: { type: string; object: KObject }) => {
        if (ev.type === 'ERROR' || ev.type === 'BOOKMARK' || !accept.table) {
          send({ type: ev.type as any, object: ev.type === 'ERROR' || ev.type === 'BOOKMARK' ? ev.object : server.out(entry, ev.object) });
          return;
        }
        send({ type: ev.type as any, object: toTable(entry, [ev.object], { resourceVersion: ev.object.metadata.resourceVersion }, accept, first) });
        first = false;
      };
      let w: { cancel(): void } | undefined;
      try {
        w = server.registry.watch(entry, ns, opts, (ev) => emit(ev));
      } catch (err) {
        const st = err instanceof StatusError ? err.status : errInternal(String(err)).status;
        send({ type: 'ERROR', object: st });
        end();
        return { stop() {} };
      }
      let timer: NodeJS.Timeout | undefined;
      // past ~24.8 days a Node timer would overflow and fire at once: such a watch simply never times out
      if (timeout > 0 && timeout * 1000 <= MAX_TIMER_MS)
        timer = setTimeout(() => {
          w?.cancel();
          end();
        }, timeout * 1000);
      return {
        stop: () => {
          w?.cancel();
          if (timer) clearTimeout(timer);
        },
      };
    },
  };
}

const MAX_TIMER_MS = 2 ** 31 - 1;
