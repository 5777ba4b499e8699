// /kubelab/snapshots: the cluster's named snapshots over HTTP, so `kubelab lab` in another process (and any admin
// client) can take and restore them. A non-resource path: only users allowed on it (cluster admins) reach it.
//   GET    /kubelab/snapshots                 list
//   GET    /kubelab/snapshots/NAME            one snapshot's facts
//   POST   /kubelab/snapshots/NAME            take (body: {"labels": {...}}, optional)
//   POST   /kubelab/snapshots/NAME/restore    back to it
//   DELETE /kubelab/snapshots/NAME            forget it
import { errBadRequest, errMethodNotAllowed } from '../../api/errors';
import type { Snapshots } from '../../snapshot/snapshots';
import type { ApiRequest, ApiResponse } from '../request';

const json = (status: number, body: unknown): ApiResponse => ({ kind: 'json', status, body });

function labelsOf(req: ApiRequest): Record<string, string> {
  let body: unknown = req.bodyObject;
  if (body === undefined && req.body?.length) {
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch (e) {
      throw errBadRequest(`the body is not JSON: ${(e as Error).message}`);
    }
  }
  const labels = (body as { labels?: unknown } | undefined)?.labels ?? {};
  if (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string'))
    throw errBadRequest('labels must be an object of strings');
  return labels as Record<string, string>;
}

export function snapshotsHandler(snapshots: Snapshots): (req: ApiRequest) => Promise<ApiResponse> {
  return async (req) => {
    const [name, action, ...more] = req.path
      .replace(/^\/kubelab\/snapshots\/?/, '')
      .split('/')
      .filter(Boolean);
    if (more.length || (action && action !== 'restore')) throw errBadRequest(`unknown snapshot path ${req.path}`);
    const m = req.method.toUpperCase();
    if (!name) {
      if (m !== 'GET') throw errMethodNotAllowed('the server does not allow this method on the requested resource');
      return json(200, { items: snapshots.list() });
    }
    if (action === 'restore') {
      if (m !== 'POST') throw errMethodNotAllowed('the server does not allow this method on the requested resource');
      return json(200, await snapshots.restore(name));
    }
    if (m === 'GET') return json(200, snapshots.get(name));
    if (m === 'POST' || m === 'PUT') return json(201, snapshots.take(name, labelsOf(req)));
    if (m === 'DELETE') return json(200, snapshots.delete(name));
    throw errMethodNotAllowed('the server does not allow this method on the requested resource');
  };
}
