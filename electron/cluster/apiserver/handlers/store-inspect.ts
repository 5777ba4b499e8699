// GET /kubelab/store: the etcd chapter's window onto the store (keys, revisions, versions, and a live watch).
// A non-resource path, so only users authorized for it (cluster admins) can read raw storage.
import { errBadRequest } from '../../api/errors';
import type { Store, StoreEvent } from '../../store/types';
import { formatKeyValue, formatStoreEvent } from '../../store';
import type { ApiRequest, ApiResponse } from '../request';

export function storeInspectHandler(store: Store): (req: ApiRequest) => ApiResponse {
  return (req) => {
    const verb = req.query.get('verb') ?? 'list';
    const prefix = req.query.get('prefix') ?? '/registry/';
    const withValue = req.query.get('values') === 'true';
    const rev = req.query.get('rev') ? Number(req.query.get('rev')) : undefined;
    if (!prefix.startsWith('/')) throw errBadRequest('prefix must start with /');
    if (verb === 'get') {
      const kv = rev ? store.getAt(prefix, rev) : store.get(prefix);
      if (!kv) return { kind: 'raw', status: 404, body: `key ${prefix} not found\n`, contentType: 'text/plain' };
      return { kind: 'raw', status: 200, body: formatKeyValue(kv, { withValue }) + '\n', contentType: 'text/plain' };
    }
    if (verb === 'list') {
      const r = store.range(prefix, { revision: rev });
      const lines = r.kvs.map((kv) => formatKeyValue(kv, { withValue }));
      lines.push(`# ${r.count} keys at revision ${r.revision}`);
      return { kind: 'raw', status: 200, body: lines.join('\n') + '\n', contentType: 'text/plain' };
    }
    if (verb === 'watch') {
      return {
        kind: 'stream',
        status: 200,
        contentType: 'text/plain',
        start(write) {
          write(`# watching ${prefix} from revision ${store.revision()}\n`);
          const w = store.watch(prefix, rev ? rev - 1 : store.revision(), (evs: StoreEvent[]) => {
            for (const ev of evs) write(formatStoreEvent(ev, { withValue }) + '\n');
          });
          return { stop: () => w.cancel() };
        },
      };
    }
    throw errBadRequest(`unknown verb ${verb}: use get, list or watch`);
  };
}
