// The non-resource endpoints kube-apiserver serves itself: /version, the health checks, discovery (/api, /apis,
// their group and resource lists, aggregated or not), the OpenAPI documents and the root path list.
import type { ApiServerOptions } from './handler';
import { healthResponse } from './health';
import { negotiate } from './body';
import { aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, discoveryContentType } from './discovery';
import { json, notFoundPath } from './responses';
import { KUBE_VERSION } from './version';
import type { ApiRequest, ApiResponse, RequestInfo } from './request';

export async function serveNonResource(opts: ApiServerOptions, req: ApiRequest, info: RequestInfo, p: string): Promise<ApiResponse> {
  const accept = negotiate(req);
  if (p === '/version') return json(200, KUBE_VERSION);
  if (p === '/livez' || p === '/healthz' || p === '/readyz' || p.startsWith('/livez/') || p.startsWith('/healthz/') || p.startsWith('/readyz/')) {
    return healthResponse(p, req.query.has('verbose'), opts.ready(), opts.healthChecks?.() ?? []);
  }
  if (p === '/api') {
    if (accept.aggregatedDiscovery)
      return {
        kind: 'json',
        status: 200,
        body: aggregatedDiscovery(opts.catalog, true, accept.aggregatedDiscovery),
        contentType: discoveryContentType(accept.aggregatedDiscovery),
      };
    return json(200, apiVersions(opts.address()));
  }
  if (p === '/apis') {
    if (accept.aggregatedDiscovery)
      return {
        kind: 'json',
        status: 200,
        body: aggregatedDiscovery(opts.catalog, false, accept.aggregatedDiscovery),
        contentType: discoveryContentType(accept.aggregatedDiscovery),
      };
    return json(200, apiGroupList(opts.catalog));
  }
  if (info.apiPrefix === 'api' && info.apiVersion && !info.isResourceRequest) {
    const l = apiResourceList(opts.catalog, '', info.apiVersion);
    if (l) return json(200, l);
  }
  if (info.apiPrefix === 'apis') {
    const segs = p.split('/').filter(Boolean);
    if (segs.length === 2) {
      const g = apiGroupDoc(opts.catalog, segs[1]);
      if (g) return json(200, g);
    }
    if (segs.length === 3) {
      const l = apiResourceList(opts.catalog, segs[1], segs[2]);
      if (l) return json(200, l);
    }
  }
  if (p === '/openapi/v3' || p.startsWith('/openapi/v3/')) return opts.schemas.serveOpenApiV3(p, req);
  if (p === '/openapi/v2') return opts.schemas.serveOpenApiV2(req);
  if (p === '/') {
    return json(200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/openapi/v2', '/openapi/v3', '/readyz', '/version'] });
  }
  throw notFoundPath();
}
