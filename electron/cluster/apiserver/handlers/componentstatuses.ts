// GET/LIST of v1 componentstatuses: computed answers, never stored (upstream probes each component on request).
import { errMethodNotAllowed, errNotFound } from '../../api/errors';
import { COMPONENTS, componentStatus } from '../../api/kinds/core/componentstatuses';
import type { SpecialHandler } from '../handler';
import { json } from '../handler';
import { negotiate } from '../body';
import { toTable } from '../table';

export const componentStatusHandler: SpecialHandler = async ({ req, info, entry }) => {
  if (info.verb !== 'get' && info.verb !== 'list') throw errMethodNotAllowed('the server does not allow this method on the requested resource');
  const accept = negotiate(req);
  if (info.verb === 'get') {
    if (!COMPONENTS.includes(info.name!)) throw errNotFound('', 'componentstatuses', info.name!);
    const o = componentStatus(info.name!);
    return json(200, accept.table ? toTable(entry, [o], {}, accept) : o);
  }
  const items = COMPONENTS.map(componentStatus);
  if (accept.table) return json(200, toTable(entry, items, {}, accept));
  return json(200, { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest) });
};
