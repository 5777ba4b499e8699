// The client the cluster's own components use: it calls the API server's handler chain directly (authorization,
// admission, validation, watch semantics), skipping only TLS and JSON framing.
import type { ApiServer } from '../apiserver/handler';
import type { ApiRequest, ApiResponse } from '../apiserver/request';
import type { UserInfo } from '../auth/user';
import { StatusError, type Status } from '../api/errors';
import type { GVR, KList, KObject, WatchEvent } from '../api/types';
import type { Client, DeleteOptions, ListOptions, PatchOptions, PatchType, WatchHandle, WatchOptions, WriteOptions } from './types';

const PATCH_MEDIA: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export function resourcePath(r: GVR, namespace: string | undefined, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (namespace && r.resource !== 'namespaces') p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

function setQuery(q: URLSearchParams, o: Record<string, unknown> | undefined): URLSearchParams {
  for (const [k, v] of Object.entries(o ?? {})) {
    if (v === undefined || v === null || k === 'subresource' || k === 'name') continue;
    if (k === 'dryRun') {
      if (v) q.set('dryRun', 'All');
      continue;
    }
    if (k === 'preconditions' || k === 'propagationPolicy' || k === 'gracePeriodSeconds') continue;
    q.set(k, String(v));
  }
  return q;
}

export function createInProcessClient(api: ApiServer, user: UserInfo, userAgent = user.name): Client {
  const call = async (method: string, path: string, query: URLSearchParams, bodyObject?: unknown, contentType?: string): Promise<ApiResponse> => {
    const req: ApiRequest = {
      method,
      path,
      query,
      headers: { 'content-type': contentType ?? 'application/json', accept: 'application/json', 'user-agent': userAgent },
      bodyObject,
      user,
    };
    return api.handle(req);
  };
  const unwrap = <T>(r: ApiResponse): T => {
    if (r.kind !== 'json') throw new Error(`unexpected ${r.kind} response`);
    if (r.status >= 400) throw new StatusError(r.body as Status);
    return r.body as T;
  };
  return {
    user: user.name,
    async get(r, ns, name, sub) {
      return unwrap(await call('GET', resourcePath(r, ns, name, sub), new URLSearchParams()));
    },
    async list(r, ns, opts?: ListOptions) {
      return unwrap<KList<any>>(await call('GET', resourcePath(r, ns), setQuery(new URLSearchParams(), opts as Record<string, unknown>)));
    },
    async create(r, ns, obj, opts?: WriteOptions & { subresource?: string; name?: string }) {
      return unwrap(
        await call(
          'POST',
          resourcePath(r, ns, opts?.subresource ? (opts.name ?? obj.metadata?.name) : undefined, opts?.subresource),
          setQuery(new URLSearchParams(), opts as Record<string, unknown>),
          obj,
        ),
      );
    },
    async update(r, ns, obj, opts?: WriteOptions & { subresource?: string }) {
      return unwrap(
        await call('PUT', resourcePath(r, ns, obj.metadata.name, opts?.subresource), setQuery(new URLSearchParams(), opts as Record<string, unknown>), obj),
      );
    },
    async updateStatus(r, ns, obj) {
      return unwrap(await call('PUT', resourcePath(r, ns, obj.metadata.name, 'status'), new URLSearchParams(), obj));
    },
    async patch(r, ns, name, type, patch, opts?: PatchOptions & { subresource?: string }) {
      const q = setQuery(new URLSearchParams(), opts as Record<string, unknown>);
      if (type === 'apply' && !q.get('fieldManager')) q.set('fieldManager', userAgent);
      return unwrap(await call('PATCH', resourcePath(r, ns, name, opts?.subresource), q, patch, PATCH_MEDIA[type]));
    },
    async delete(r, ns, name, opts?: DeleteOptions) {
      const q = setQuery(new URLSearchParams(), opts as Record<string, unknown>);
      const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
      if (opts?.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
      if (opts?.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
      if (opts?.preconditions) body.preconditions = opts.preconditions;
      return unwrap<KObject>(await call('DELETE', resourcePath(r, ns, name), q, body));
    },
    async deleteCollection(r, ns, opts) {
      const q = setQuery(new URLSearchParams(), opts as Record<string, unknown>);
      const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
      if (opts?.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
      if (opts?.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
      return unwrap<KObject>(await call('DELETE', resourcePath(r, ns), q, body));
    },
    watch<T extends KObject>(
      r: GVR,
      ns: string | undefined,
      opts: WatchOptions,
      onEvent: (e: WatchEvent<T>) => void,
      onClose?: (err?: Error) => void,
    ): WatchHandle {
      const q = setQuery(new URLSearchParams(), opts as Record<string, unknown>);
      q.set('watch', 'true');
      let stopped = false;
      let inner: { stop(): void } | undefined;
      void call('GET', resourcePath(r, ns), q).then(
        (resp) => {
          if (stopped) return;
          if (resp.kind !== 'watch') {
            const err = resp.kind === 'json' && resp.status >= 400 ? new StatusError(resp.body as Status) : new Error('watch failed');
            onClose?.(err);
            return;
          }
          inner = resp.start(
            (ev) => {
              if (stopped) return;
              if (ev.type === 'ERROR') {
                stopped = true;
                inner?.stop();
                onClose?.(new StatusError(ev.object as Status));
                return;
              }
              onEvent(ev as WatchEvent<T>);
            },
            () => {
              if (!stopped) {
                stopped = true;
                onClose?.();
              }
            },
          );
          if (stopped) inner.stop();
        },
        (err) => {
          if (!stopped) onClose?.(err as Error);
        },
      );
      return {
        stop() {
          stopped = true;
          inner?.stop();
        },
      };
    },
  };
}
