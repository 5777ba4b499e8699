// POST /kubelab/nodes/NAME/shell {"session","command"[,"output":"text"]}: one command line in a shell on the node (the kubelab
// extension behind `kubelab node shell`; upstream has no such API and reaches nodes by SSH or kubectl debug node).
import { errBadRequest, errMethodNotAllowed, errNotFound, statusError } from '../../api/errors';
import type { ApiRequest, ApiResponse } from '../request';
import type { NodeConnector } from '../../kubelet/connector';

export const NODE_SHELL_PATH = '/kubelab/nodes/*';

export function nodeShellHandler(connector: NodeConnector) {
  return async (req: ApiRequest): Promise<ApiResponse> => {
    const m = /^\/kubelab\/nodes\/([^/]+)\/shell\/?$/.exec(req.path);
    if (!m) throw errNotFound('', 'nodes', req.path);
    if (req.method !== 'POST') throw errMethodNotAllowed('the server does not allow this method on the requested resource');
    let body: { session?: unknown; command?: unknown; output?: unknown };
    try {
      body = (req.bodyObject ?? JSON.parse(req.body?.toString('utf8') ?? '')) as typeof body;
    } catch {
      throw errBadRequest('the request body must be JSON: {"session": "...", "command": "..."}');
    }
    if (typeof body.command !== 'string' || typeof body.session !== 'string' || !body.session) throw errBadRequest('session and command must be strings');
    if (body.output !== undefined && body.output !== 'json' && body.output !== 'text') throw errBadRequest('output must be "json" or "text"');
    const name = decodeURIComponent(m[1]);
    const kubelet = connector.forNode(name);
    if (!kubelet) throw statusError(404, 'NotFound', `nodes "${name}" not found`, { name, kind: 'nodes' });
    const r = await kubelet.nodeShell(body.session, body.command);
    // text: what a terminal shows (stdout, then stderr), for the ssh shim that has only kubectl to read the answer
    if (body.output === 'text') return { kind: 'raw', status: 200, contentType: 'text/plain; charset=utf-8', body: r.stdout + r.stderr };
    return { kind: 'json', status: 200, body: r };
  };
}
