// PATCH (upstream's registry/rest patch.go): JSON patch, merge patch, strategic merge patch and server-side apply,
// each recomputed from the current object on a conflict retry; the scale subresource is patched as a Scale.
import type { KObject } from '../../api/types';
import { errBadRequest, statusError } from '../../api/errors';
import { isPrecondition } from '../registry';
import { queryBool, type ApiResponse } from '../request';
import { mediaType, decodeBody } from '../body';
import { mergePatchObject, patchedObject } from '../patch-body';
import { patchedFields } from '../patch-scope';
import { json } from '../responses';
import { goPrint } from '../patch-errors';
import { goGVK } from '../../api/kinds/go-format';
import { checkFields, ensureNamespaceMatches, fieldValidation } from './write';
import { getScale, updateScale } from './scale';
import type { VerbContext } from './context';

export async function patch({ server, req, info, entry, ns }: VerbContext): Promise<ApiResponse> {
  const name = info.name!;
  const sub = info.subresource;
  const mt = mediaType(req);
  let patchBody = decodeBody(req);
  const ctx = server.writeCtx(req, entry, sub === 'scale' ? undefined : sub);
  const q = req.query;
  if (sub === 'scale') {
    const cur = await getScale(server, entry, ns, name);
    const next = server.schemas.applyPatch(entry, mt, cur, patchBody, 'io.k8s.api.autoscaling.v1.Scale');
    return json(200, await updateScale(server, entry, ns, name, next, ctx));
  }
  if (mt === 'application/apply-patch+yaml' || mt === 'application/apply-patch+json') {
    const force = queryBool(q, 'force');
    if (!q.get('fieldManager')) throw errBadRequest('PATCH /api/v1: fieldManager is required for apply requests');
    const applied = patchBody as KObject;
    if (!applied || typeof applied !== 'object') throw errBadRequest('invalid apply body');
    // structured-merge-diff refuses a non-map metadata when it types the patch, before anything is merged. Upstream
    // answers that with 500 (a plain error; kubernetes#139253 makes it 400): we keep its words but answer 400, the
    // client's mistake. null is a valid (empty) map there.
    const md: unknown = applied.metadata;
    if (md !== undefined && md !== null && (typeof md !== 'object' || Array.isArray(md)))
      throw errBadRequest(
        `failed to create typed patch object (/; ${goGVK(String(applied.apiVersion ?? ''), String(applied.kind ?? ''))}): .metadata: expected map, got &{${goPrint(md)}}`,
      );
    const warnings = checkFields(server, req, entry, applied);
    const existing = server.registry.getStored(entry, ns, name);
    if (!existing) {
      const obj = server.schemas.serverSideApply(entry, undefined, applied, ctx.fieldManager!, force, sub);
      obj.metadata = { ...(obj.metadata ?? {}), name };
      const created = await server.registry.create(entry, ns, obj, { ...ctx, manage: undefined });
      return { kind: 'json', status: 201, body: server.out(entry, created), warnings };
    }
    const r = await server.registry.update(entry, ns, name, (cur) => server.schemas.serverSideApply(entry, cur, applied, ctx.fieldManager!, force, sub), {
      ...ctx,
      manage: undefined,
    });
    return { kind: 'json', status: 200, body: server.out(entry, r.obj), warnings };
  }
  if (!['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].includes(mt)) {
    throw statusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json, application/apply-patch+cbor`,
    );
  }
  if (mt === 'application/strategic-merge-patch+json' && entry.crd) {
    throw statusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/apply-patch+cbor`,
    );
  }
  let warnings: string[] = [];
  if (mt !== 'application/json-patch+json') patchBody = mergePatchObject(patchBody);
  // custom resources are decoded whole: their schema may have changed since the object was stored
  const touched = entry.crd ? undefined : patchedFields(mt, patchBody);
  const r = await server.registry.update(
    entry,
    ns,
    name,
    (cur) => {
      const curRv = cur.metadata.resourceVersion;
      const next = patchedObject(server.schemas.applyPatch(entry, mt, cur, patchBody) as KObject, entry.kind, name);
      warnings = server.schemas.checkFields(entry, next, fieldValidation(req.query), touched, {
        flavor: mt === 'application/strategic-merge-patch+json' ? 'strategic' : 'json',
        patch: patchBody,
      });
      ensureNamespaceMatches(ns, next);
      // a patch carrying a stale resourceVersion (merge patch field or JSON patch op) conflicts like an update
      const prv = next.metadata?.resourceVersion;
      if (isPrecondition(prv) && prv !== curRv) {
        throw statusError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${entry.group ? entry.resource + '.' + entry.group : entry.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          { name, group: entry.group || undefined, kind: entry.resource },
        );
      }
      next.metadata.resourceVersion = undefined;
      return next;
    },
    ctx,
  );
  return { kind: 'json', status: 200, body: server.out(entry, r.obj), warnings };
}
