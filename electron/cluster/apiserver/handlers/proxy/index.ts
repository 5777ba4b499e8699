// services/NAME/proxy, pods/NAME/proxy and nodes/NAME/proxy: the API server as an HTTP proxy into the cluster
// (what `kubectl proxy` and `kubectl get --raw` reach). Services and pods are dialled on the pod network, a node's
// path goes to its kubelet's endpoints.
import { errMethodNotAllowed, errNotFound, statusError } from '../../../api/errors';
import type { ApiServer, SpecialHandler } from '../../handler';
import type { ApiRequest, ApiResponse, RequestInfo } from '../../request';
import type { NodeConnector } from '../../../kubelet/connector';
import { podLocation, serviceLocation, splitSchemeNamePort, type ProxyTarget } from './location';
import { proxyHttp } from './transport';
import { dialError, kubeletFor } from '../streaming/pod-target';
import { admitConnect, proxyOptionsCodec, refuseDryRun } from '../connect-admission';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** the path after ".../NAME/proxy", or '' for ".../proxy" itself (which upstream redirects to ".../proxy/") */
function proxiedPath(req: ApiRequest, info: RequestInfo): string {
  const segs = req.path.split('/');
  for (let i = 0; i + 2 < segs.length; i++) {
    if (segs[i] === info.resource && decodeURIComponent(segs[i + 1]) === info.name && segs[i + 2] === 'proxy') {
      return i + 3 < segs.length ? '/' + segs.slice(i + 3).join('/') : '';
    }
  }
  return '';
}

function redirectToSlash(req: ApiRequest): ApiResponse {
  const q = req.query.toString();
  const location = `${req.path}/${q ? `?${q}` : ''}`;
  return { kind: 'raw', status: 301, body: `<a href="${location}">Moved Permanently</a>.\n\n`, contentType: 'text/html; charset=utf-8', headers: { location } };
}

function proxyHandler(locate: (server: ApiServer, ns: string, id: string) => ProxyTarget, connector: NodeConnector): SpecialHandler {
  return async ({ req, info, server }) => {
    if (!METHODS.has(req.method)) throw errMethodNotAllowed('the server does not allow this method on the requested resource');
    refuseDryRun(req.query);
    const { path } = await admitConnect(server, req, info, proxyOptionsCodec(info.resource!), { path: proxiedPath(req, info) });
    const target = locate(server, info.namespace ?? 'default', info.name!);
    if (!path) return redirectToSlash(req);
    return proxyHttp(req, target, path, (ip, port) => connector.dialPod(ip, port));
  };
}

function nodeProxyHandler(connector: NodeConnector): SpecialHandler {
  return async ({ req, info, server, entry }) => {
    if (!METHODS.has(req.method)) throw errMethodNotAllowed('the server does not allow this method on the requested resource');
    refuseDryRun(req.query);
    const { path } = await admitConnect(server, req, info, proxyOptionsCodec('nodes'), { path: proxiedPath(req, info) });
    const id = splitSchemeNamePort(info.name!);
    const node = id && server.registry.getStored(entry, undefined, id.name);
    if (!id || !node) throw errNotFound('', 'nodes', id?.name ?? info.name!);
    if (!path) return redirectToSlash(req);
    const kubelet = kubeletFor(connector, id.name);
    if (!kubelet) throw statusError(503, 'ServiceUnavailable', `error trying to reach service: ${dialError(server, id.name)}`);
    const a = await kubelet.http(path);
    return { kind: 'raw', status: a.status, body: req.method === 'HEAD' ? '' : a.body, contentType: a.contentType };
  };
}

export function registerProxyHandlers(api: ApiServer, connector: NodeConnector): void {
  api.registerSpecial('', 'services', 'proxy', proxyHandler(serviceLocation, connector));
  api.registerSpecial('', 'pods', 'proxy', proxyHandler(podLocation, connector));
  api.registerSpecial('', 'nodes', 'proxy', nodeProxyHandler(connector));
}
