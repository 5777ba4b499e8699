// Admission of CONNECT requests (pods' exec, attach, portforward and proxy; services' and nodes' proxy): upstream's
// ConnectResource decodes the query into the subresource's options object (PodExecOptions, …) and admits it with
// operation CONNECT before it looks at the pod or connects, so a webhook or policy can refuse `kubectl exec`.
import type { KObject } from '../../api/types';
import type { ApiServer } from '../handler';
import type { ApiRequest, RequestInfo } from '../request';
import { queryOptionalBool } from '../request';

/** the options object as the versioned API encodes it: false booleans and empty strings left out (omitempty) */
function encoded(kind: string, fields: Record<string, unknown>): KObject {
  const o: Record<string, unknown> = { kind, apiVersion: 'v1' };
  for (const [k, v] of Object.entries(fields)) if (v !== false && v !== '' && v !== undefined) o[k] = v;
  return o as KObject;
}

/** PodExecOptions / PodAttachOptions from the query, stdout and stderr defaulting to true */
export function streamOptions(q: URLSearchParams, kind: 'PodExecOptions' | 'PodAttachOptions'): KObject {
  const fields: Record<string, unknown> = {
    stdin: queryOptionalBool(q, 'stdin') ?? false,
    stdout: queryOptionalBool(q, 'stdout') ?? true,
    stderr: queryOptionalBool(q, 'stderr') ?? true,
    tty: queryOptionalBool(q, 'tty') ?? false,
    container: q.get('container') ?? '',
  };
  // command has no omitempty: an exec always carries it
  return kind === 'PodExecOptions' ? { ...encoded(kind, fields), command: q.getAll('command') } : encoded(kind, fields);
}

export function portForwardOptions(q: URLSearchParams): KObject {
  const ports = q.getAll('ports').flatMap((v) => v.split(',').map((p) => Number(p.trim())));
  return encoded('PodPortForwardOptions', { ports: ports.length ? ports : undefined });
}

const PROXY_KINDS: Record<string, string> = { pods: 'PodProxyOptions', services: 'ServiceProxyOptions', nodes: 'NodeProxyOptions' };

export function proxyOptions(resource: string, path: string | undefined): KObject {
  return encoded(PROXY_KINDS[resource] ?? 'PodProxyOptions', { path: path ?? '' });
}

export async function admitConnect(server: ApiServer, req: ApiRequest, info: RequestInfo, options: KObject): Promise<void> {
  // a CONNECT has no dryRun or fieldManager to check: only admission's outputs
  const ctx = server.admissionOutputs(req);
  await server.registry.admitConnect({
    gvr: { group: info.apiGroup, version: info.apiVersion, resource: info.resource! },
    kind: String(options.kind),
    namespace: info.namespace,
    name: info.name!,
    subresource: info.subresource,
    object: options,
    user: req.user,
    warn: ctx.warn,
    annotate: ctx.annotate,
  });
}
