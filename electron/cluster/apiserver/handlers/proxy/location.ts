// Where a proxy subresource leads, as the API server's service and pod storage work it out (ResourceLocation):
// "[scheme:]name[:port]" names the object, a Service goes to one ready endpoint of the chosen port picked at
// random from its EndpointSlices, a pod to its IP and the given or first declared container port.
import type { Service, Pod } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { errBadRequest, errNotFound, statusError } from '../../../api/errors';
import type { ApiServer } from '../../handler';

export interface ProxyTarget {
  scheme: 'http' | 'https';
  ip: string;
  port: number;
}

/** upstream's SplitSchemeNamePort: "name", "name:port", "scheme:name:port" (scheme http or https) */
export function splitSchemeNamePort(id: string): { scheme: 'http' | 'https' | ''; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (!name || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme: scheme as 'http' | 'https' | '', name, port };
}

function parse(id: string) {
  const p = splitSchemeNamePort(id);
  if (!p) throw errBadRequest(`invalid request ${JSON.stringify(id)}`);
  return p;
}

function stored<T>(server: ApiServer, resource: string, ns: string | undefined, name: string): T | undefined {
  const e = server.catalog.get('', 'v1', resource);
  return e ? (server.registry.getStored(e, ns, name) as T | undefined) : undefined;
}

function serviceUnavailable(message: string) {
  return statusError(503, 'ServiceUnavailable', message);
}

export function serviceLocation(server: ApiServer, ns: string, id: string): ProxyTarget {
  const { scheme, name, port } = parse(id);
  const svc = stored<Service>(server, 'services', ns, name);
  if (!svc) throw errNotFound('', 'services', name);
  const svcPort = (svc.spec?.ports ?? []).find((p) => port === '' || p.name === port || String(p.port) === port);
  if (!svcPort) throw serviceUnavailable(`no service port ${JSON.stringify(port)} found for service ${JSON.stringify(name)}`);
  const e = server.catalog.get('discovery.k8s.io', 'v1', 'endpointslices');
  const slices = e ? (server.registry.list(e, ns, { labelSelector: `kubernetes.io/service-name=${name}` }).items as EndpointSlice[]) : [];
  const candidates: { ip: string; port: number }[] = [];
  for (const s of slices) {
    if (s.addressType === 'FQDN') continue;
    const p = (s.ports ?? []).find((sp) => (sp.name ?? '') === (svcPort.name ?? ''));
    if (!p?.port) continue;
    for (const ep of s.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses.slice(0, 1)) candidates.push({ ip, port: p.port });
    }
  }
  if (!candidates.length) throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(name)}`);
  const pick = candidates[Math.floor(Math.random() * candidates.length)];
  return { scheme: scheme || 'http', ...pick };
}

export function podLocation(server: ApiServer, ns: string, id: string): ProxyTarget {
  const { scheme, name, port } = parse(id);
  const pod = stored<Pod>(server, 'pods', ns, name);
  if (!pod) throw errNotFound('', 'pods', name);
  const ip = pod.status?.podIP;
  if (!ip) throw errBadRequest('address not allowed');
  let p = port;
  if (!p) p = String((pod.spec?.containers ?? []).find((c) => c.ports?.length)?.ports?.[0].containerPort ?? '');
  const scheme1 = scheme || 'http';
  const n = p === '' ? (scheme1 === 'https' ? 443 : 80) : Number(p);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw errBadRequest(`invalid port ${JSON.stringify(p)}`);
  return { scheme: scheme1, ip, port: n };
}
