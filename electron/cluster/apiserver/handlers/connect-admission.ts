// Admission of CONNECT requests (pods' exec, attach, portforward and proxy; services' and nodes' proxy): upstream's
// ConnectResource decodes the query into the subresource's options object (PodExecOptions, …), admits it with
// operation CONNECT before it looks at the pod or connects, so a webhook or policy can refuse `kubectl exec`, and
// hands the connecter that same object: what a mutating webhook's JSONPatch changed is what runs (or is proxied).
// Each handler parses its query once into typed options here; admission sees them encoded and gives them back.
import { errBadRequest, errInternal } from '../../api/errors';
import type { KObject } from '../../api/types';
import type { ApiServer } from '../handler';
import type { ApiRequest, RequestInfo } from '../request';
import { queryOptionalBool } from '../request';

/** PodExecOptions / PodAttachOptions as decoded (attach has no command) */
export interface PodStreamOptions {
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}
export interface PodPortForwardOptions {
  ports: number[];
}
/** PodProxyOptions, ServiceProxyOptions, NodeProxyOptions: the path after ".../proxy" ('' for ".../proxy" itself) */
export interface ProxyOptions {
  path: string;
}

/** how one options kind travels through admission: encoded as the versioned API does, decoded as upstream decodes a patched one */
export interface ConnectOptionsCodec<T> {
  kind: string;
  encode(o: T): Record<string, unknown>;
  decode(read: FieldReader): T;
}

type FieldType = 'bool' | 'string' | '[]string' | '[]int32';
type FieldReader = <V>(name: string, type: FieldType, absent: V) => V;

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);

/**
 * a field of a patched options object; a value of the wrong type fails as upstream's decode of the patched JSON
 * does (an internal error: the webhook, not the client, sent it)
 */
function fieldReader(kind: string, o: Record<string, unknown>): FieldReader {
  return <V>(name: string, type: FieldType, absent: V): V => {
    const v = o[name];
    if (v === undefined || v === null) return absent;
    const ok =
      type === 'bool'
        ? typeof v === 'boolean'
        : type === 'string'
          ? typeof v === 'string'
          : Array.isArray(v) && v.every((x) => (type === '[]string' ? typeof x === 'string' : Number.isInteger(x)));
    if (!ok) {
      const bad = Array.isArray(v) ? jsonType(v.find((x) => (type === '[]string' ? typeof x !== 'string' : !Number.isInteger(x)))) : jsonType(v);
      throw errInternal(`json: cannot unmarshal ${bad} into Go struct field ${kind}.${name} of type ${type}`);
    }
    return v as V;
  };
}

/** the options object as the versioned API encodes it: false booleans and empty strings left out (omitempty) */
function encoded(kind: string, fields: Record<string, unknown>): KObject {
  const o: Record<string, unknown> = { kind, apiVersion: 'v1' };
  for (const [k, v] of Object.entries(fields)) if (v !== false && v !== '' && v !== undefined) o[k] = v;
  return o as KObject;
}

const streamCodec = (kind: 'PodExecOptions' | 'PodAttachOptions'): ConnectOptionsCodec<PodStreamOptions> => ({
  kind,
  // command has no omitempty: an exec always carries it
  encode: ({ command, ...rest }) => (kind === 'PodExecOptions' ? { ...rest, command } : rest),
  decode: (read) => ({
    container: read<string>('container', 'string', ''),
    command: kind === 'PodExecOptions' ? read<string[]>('command', '[]string', []) : [],
    stdin: read('stdin', 'bool', false),
    stdout: read('stdout', 'bool', false),
    stderr: read('stderr', 'bool', false),
    tty: read('tty', 'bool', false),
  }),
});
export const EXEC_OPTIONS = streamCodec('PodExecOptions');
export const ATTACH_OPTIONS = streamCodec('PodAttachOptions');

export const PORT_FORWARD_OPTIONS: ConnectOptionsCodec<PodPortForwardOptions> = {
  kind: 'PodPortForwardOptions',
  encode: (o) => ({ ports: o.ports.length ? o.ports : undefined }),
  decode: (read) => ({ ports: read<number[]>('ports', '[]int32', []) }),
};

const PROXY_KINDS: Record<string, string> = { pods: 'PodProxyOptions', services: 'ServiceProxyOptions', nodes: 'NodeProxyOptions' };

export function proxyOptionsCodec(resource: string): ConnectOptionsCodec<ProxyOptions> {
  return {
    kind: PROXY_KINDS[resource] ?? 'PodProxyOptions',
    encode: (o) => ({ path: o.path }),
    decode: (read) => {
      const path = read<string>('path', 'string', '');
      // upstream joins a patched path onto the backend's location, which is absolute
      return { path: path && !path.startsWith('/') ? `/${path}` : path };
    },
  };
}

/** upstream's ConnectResource refuses any dryRun before it reads the options: a connection cannot be simulated */
export function refuseDryRun(q: URLSearchParams): void {
  if (q.has('dryRun')) throw errBadRequest('dryRun is not supported');
}

/** PodExecOptions / PodAttachOptions from the query, stdout and stderr defaulting to true; kubectl omits false values */
export function parseStreamOptions(q: URLSearchParams): PodStreamOptions {
  return {
    container: q.get('container') ?? '',
    command: q.getAll('command'),
    stdin: queryOptionalBool(q, 'stdin') ?? false,
    stdout: queryOptionalBool(q, 'stdout') ?? true,
    stderr: queryOptionalBool(q, 'stderr') ?? true,
    tty: queryOptionalBool(q, 'tty') ?? false,
  };
}

/** the `ports` query (repeated or comma-separated), each a port number */
export function parsePortForwardOptions(q: URLSearchParams): PodPortForwardOptions {
  const ports = q.getAll('ports').flatMap((v) => v.split(','));
  for (const p of ports) if (!/^\d+$/.test(p.trim()) || Number(p) < 1 || Number(p) > 65535) throw errBadRequest(`error parsing port: ${p}`);
  return { ports: ports.map((p) => Number(p.trim())) };
}

/** admits the options with operation CONNECT and returns them as admission left them (a mutating webhook may have patched them) */
export async function admitConnect<T>(server: ApiServer, req: ApiRequest, info: RequestInfo, codec: ConnectOptionsCodec<T>, options: T): Promise<T> {
  const object = encoded(codec.kind, codec.encode(options));
  // a CONNECT has no dryRun or fieldManager to check: only admission's outputs
  const ctx = server.admissionOutputs(req);
  await server.registry.admitConnect({
    gvr: { group: info.apiGroup, version: info.apiVersion, resource: info.resource! },
    kind: codec.kind,
    namespace: info.namespace,
    name: info.name!,
    subresource: info.subresource,
    object,
    user: req.user,
    warn: ctx.warn,
    annotate: ctx.annotate,
  });
  return codec.decode(fieldReader(codec.kind, object));
}
