// create, update (including namespaces/finalize), delete and deletecollection: upstream's registry/rest create.go,
// update.go and delete.go handlers — decoding, namespace checks, field validation and the answer's shape.
import type { KObject } from '../../api/types';
import { apiVersionOf } from '../../api/types';
import { StatusError, errBadRequest, errMethodNotAllowed, statusError } from '../../api/errors';
import type { ResourceEntry } from '../catalog';
import type { ApiServer } from '../handler';
import type { DeleteOptions } from '../registry';
import { decodeBody } from '../body';
import { queryBool, type ApiRequest, type ApiResponse } from '../request';
import { intParam } from '../query-params';
import { json } from '../responses';
import { listOpts } from './read';
import { updateScale } from './scale';
import type { VerbContext } from './context';

export async function create({ server, req, info, entry, ns }: VerbContext): Promise<ApiResponse> {
  const sub = info.subresource;
  if (sub) throw errMethodNotAllowed('the server does not allow this method on the requested resource');
  const obj = server.decodeObject(req, entry);
  ensureNamespaceMatches(ns, obj);
  const ctx = server.writeCtx(req, entry);
  const warnings = checkFields(server, req, entry, obj);
  const created = await server.registry.create(entry, ns, obj, ctx);
  return { kind: 'json', status: 201, body: server.out(entry, created), warnings };
}

export async function update({ server, req, info, entry, ns }: VerbContext): Promise<ApiResponse> {
  const sub = info.subresource;
  if (sub === 'scale') return json(200, await updateScale(server, entry, ns, info.name!, server.decodeAny(req), server.writeCtx(req, entry, sub)));
  const obj = server.decodeObject(req, entry);
  ensureNamespaceMatches(ns, obj);
  const ctx = server.writeCtx(req, entry, sub === 'finalize' ? undefined : sub);
  const warnings = checkFields(server, req, entry, obj);
  if (sub === 'finalize') {
    const r = await server.registry.update(
      entry,
      ns,
      info.name!,
      (cur) => {
        cur.spec = { ...(cur.spec ?? {}), finalizers: obj.spec?.finalizers ?? [] };
        return cur;
      },
      { ...ctx, subresource: 'finalize', internal: true },
    );
    return json(200, server.out(entry, r.obj));
  }
  const r = await server.registry.update(entry, ns, info.name!, obj, ctx, { allowCreate: entry.strategy.allowCreateOnUpdate === true });
  return { kind: 'json', status: r.created ? 201 : 200, body: server.out(entry, r.obj), warnings };
}

export async function deleteOne({ server, req, info, entry, ns }: VerbContext): Promise<ApiResponse> {
  const opts = deleteOptions(req);
  const ctx = server.writeCtx(req, entry);
  const r = await server.registry.delete(entry, ns, info.name!, opts, ctx);
  if (!r.finished || entry.strategy.returnDeletedObject) return json(200, server.out(entry, r.obj));
  return json(200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: info.name, group: entry.group || undefined, kind: entry.resource, uid: r.obj.metadata.uid },
  });
}

export async function deleteCollection({ server, req, entry, ns }: VerbContext): Promise<ApiResponse> {
  const q = req.query;
  const opts = deleteOptions(req);
  const ctx = server.writeCtx(req, entry);
  const l = server.registry.list(entry, ns, listOpts(q));
  const items: KObject[] = [];
  for (const o of l.items) {
    try {
      items.push((await server.registry.delete(entry, o.metadata.namespace, o.metadata.name!, opts, ctx)).obj);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
  return json(200, {
    apiVersion: apiVersionOf(entry.group, entry.version),
    kind: entry.listKind,
    metadata: { resourceVersion: String(server.registry.store.revision()) },
    items,
  });
}

function deleteOptions(req: ApiRequest): DeleteOptions {
  const q = req.query;
  let body: Record<string, any> = {};
  if ((req.body && req.body.length) || req.bodyObject) {
    try {
      body = decodeBody(req) as Record<string, any>;
    } catch {
      body = {};
    }
  }
  const opts: DeleteOptions = {};
  const gp = intParam(q, 'gracePeriodSeconds') ?? body.gracePeriodSeconds;
  if (gp !== undefined && gp !== null) opts.gracePeriodSeconds = Number(gp);
  const pp = q.get('propagationPolicy') ?? body.propagationPolicy;
  if (pp) {
    if (!['Orphan', 'Background', 'Foreground'].includes(pp))
      throw statusError(
        422,
        'Invalid',
        `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${pp}": supported values: "Foreground", "Background", "Orphan", "nil"`,
      );
    opts.propagationPolicy = pp;
  }
  if (queryBool(q, 'orphanDependents') || body.orphanDependents === true) opts.orphanDependents = true;
  if (body.preconditions) opts.preconditions = body.preconditions;
  return opts;
}

/** the typed decoding of the body: prunes unknown fields and nulls, and answers per fieldValidation */
export function checkFields(server: ApiServer, req: ApiRequest, entry: ResourceEntry, obj: KObject, only?: Set<string>): string[] {
  return server.schemas.checkFields(entry, obj, fieldValidation(req.query), only);
}

export function fieldValidation(q: URLSearchParams): 'Strict' | 'Warn' | 'Ignore' {
  const v = q.get('fieldValidation');
  if (v === 'Strict' || v === 'Ignore' || v === 'Warn') return v;
  if (v) throw errBadRequest(`fieldValidation parameter unsupported: ${v}`);
  return 'Warn';
}

/**
 * upstream's EnsureObjectNamespaceMatchesRequestNamespace: an object without a namespace takes the request's, a
 * cluster-scoped request clears it, and any other difference is refused rather than silently rewritten
 */
export function ensureNamespaceMatches(ns: string | undefined, obj: KObject): void {
  const objNs = obj.metadata?.namespace;
  if (!objNs || objNs === (ns ?? '')) return;
  if (!ns) {
    delete obj.metadata.namespace;
    return;
  }
  throw errBadRequest('the namespace of the provided object does not match the namespace sent on the request');
}
