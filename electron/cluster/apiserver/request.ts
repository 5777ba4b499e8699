// Request shapes shared by the HTTPS front end and the in-process client, and upstream's RequestInfo parsing.
import type { UserInfo } from '../auth/user';
import type { WatchEvent } from '../api/types';
import type { Duplex } from 'node:stream';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** lower-case header names */
  headers: Record<string, string | undefined>;
  /** raw body from HTTP */
  body?: Buffer;
  /** already-parsed body from in-process callers */
  bodyObject?: unknown;
  user: UserInfo;
  /**
   * The answer leaves the process serialized (HTTP) and nobody keeps it, so reads may answer with the shared,
   * read-only parses instead of private copies; in-process callers get objects they may change.
   */
  serializedReply?: boolean;
}

export type ApiResponse =
  | { kind: 'json'; status: number; body: unknown; contentType?: string; warnings?: string[] }
  | { kind: 'raw'; status: number; body: string | Buffer; contentType: string; headers?: Record<string, string | string[]> }
  | {
      kind: 'watch';
      status: number;
      contentType?: string;
      warnings?: string[];
      start(send: (ev: WatchEvent<unknown>) => void, end: () => void): { stop(): void };
    }
  | { kind: 'stream'; status: number; contentType: string; start(write: (chunk: Buffer | string) => void, end: () => void): { stop(): void } }
  | { kind: 'upgrade'; protocols: string[]; connect(ws: WsLike, protocol: string): void }
  /** a connection upgraded to another protocol (SPDY): 101 with `Upgrade: <upgrade>` and headers, then the socket */
  | { kind: 'tunnel'; upgrade: string; headers?: Record<string, string>; connect(sock: Duplex): void };

/** the subset of a WebSocket the streaming handlers use (ws.WebSocket satisfies it) */
export interface WsLike {
  send(data: Buffer, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  on(ev: 'message', fn: (data: Buffer) => void): void;
  on(ev: 'close', fn: () => void): void;
  readonly protocol: string;
}

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix?: string;
  apiGroup: string;
  apiVersion: string;
  namespace?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  parts: string[];
}

const SPECIAL_VERBS = new Set(['proxy', 'watch']);

/** Mirrors upstream's RequestInfoFactory: which resource, namespace, name and verb a URL means. */
export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase(), apiGroup: '', apiVersion: '', parts: [] };
  const segs: string[] = [];
  for (const s of path.split('/')) if (s.length > 0) segs.push(s.includes('%') ? decodeURIComponent(s) : s);
  if (segs.length === 0 || (segs[0] !== 'api' && segs[0] !== 'apis')) return info;
  info.apiPrefix = segs[0];
  let rest = segs.slice(1);
  if (info.apiPrefix === 'apis') {
    if (rest.length < 2) return info; // /apis, /apis/<group>
    info.apiGroup = rest[0];
    info.apiVersion = rest[1];
    rest = rest.slice(2);
  } else {
    if (rest.length < 1) return info; // /api
    info.apiVersion = rest[0];
    rest = rest.slice(1);
  }
  if (rest.length === 0) return info; // discovery of a group version
  info.isResourceRequest = true;
  if (SPECIAL_VERBS.has(rest[0])) {
    info.verb = rest[0];
    rest = rest.slice(1);
  } else {
    switch (method) {
      case 'POST':
        info.verb = 'create';
        break;
      case 'GET':
      case 'HEAD':
        info.verb = 'get';
        break;
      case 'PUT':
        info.verb = 'update';
        break;
      case 'PATCH':
        info.verb = 'patch';
        break;
      case 'DELETE':
        info.verb = 'delete';
        break;
      default:
        info.verb = '';
    }
  }
  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      info.namespace = rest[1];
      // /namespaces/{name} and /namespaces/{name}/{subresource} address the namespace object itself
      if (rest.length > 2 && rest[2] !== 'finalize' && rest[2] !== 'status') rest = rest.slice(2);
      else {
        info.namespace = undefined;
        info.resource = 'namespaces';
        info.name = rest[1];
        info.subresource = rest[2];
        info.parts = rest;
        rest = [];
      }
    }
  }
  if (rest.length) {
    info.parts = rest;
    info.resource = rest[0];
    info.name = rest[1];
    info.subresource = rest[2];
  }
  if (info.resource === 'namespaces' && info.name) info.namespace = info.name;
  if (info.verb === 'get' && !info.name) info.verb = queryBool(query, 'watch') ? 'watch' : 'list';
  if (info.verb === 'delete' && !info.name) info.verb = 'deletecollection';
  if (info.resource === 'namespaces' && info.name && info.verb !== 'create') {
    // the namespace object is cluster scoped; RequestInfo still reports its name as the namespace like upstream
  }
  return info;
}

/**
 * A boolean query parameter as upstream's parameter codec reads it: absent is false; present, only "0" and a
 * case-insensitive "false" are false — anything else, the empty string and Python's "True" included, is true.
 */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  return v !== '0' && v.toLowerCase() !== 'false';
}

/** as queryBool, for pointer fields (sendInitialEvents): absent stays undefined */
export function queryOptionalBool(q: URLSearchParams, name: string): boolean | undefined {
  return q.has(name) ? queryBool(q, name) : undefined;
}
