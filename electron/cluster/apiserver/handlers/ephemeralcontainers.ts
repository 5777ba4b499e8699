// pods/ephemeralcontainers (what `kubectl debug` writes): GET answers the pod; PUT and PATCH change nothing but
// spec.ephemeralContainers, which may only grow — as upstream's EphemeralContainersREST and its validation.
import { errConflict, errInvalid, errMethodNotAllowed, forbidden, notFound, type FieldError } from '../../api/errors';
import type { KObject } from '../../api/types';
import { mediaType, decodeBody } from '../body';
import type { SpecialHandler } from '../handler';
import { json } from '../handler';
import { clone, deepEqual } from '../../api/object';
import { isPrecondition } from '../registry';

function validateEphemeralUpdate(next: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const path = 'spec.ephemeralContainers';
  const byName = new Map<string, unknown>((next.spec?.ephemeralContainers ?? []).map((c: { name: string }) => [c.name, c]));
  for (const o of old.spec?.ephemeralContainers ?? []) {
    const n = byName.get(o.name);
    if (!n) errs.push(forbidden(path, `existing ephemeral containers "${o.name}" may not be removed\n`));
    else if (!deepEqual(n, o)) errs.push(forbidden(path, `existing ephemeral containers "${o.name}" may not be changed\n`));
  }
  const targets = new Set([...(next.spec?.containers ?? []), ...(next.spec?.initContainers ?? [])].map((c: { name: string }) => c.name));
  (next.spec?.ephemeralContainers ?? []).forEach((c: { targetContainerName?: string }, i: number) => {
    if (c.targetContainerName && !targets.has(c.targetContainerName)) errs.push(notFound(`${path}[${i}].targetContainerName`, c.targetContainerName));
  });
  return errs;
}

export const ephemeralContainersHandler: SpecialHandler = async ({ req, info, entry, server }) => {
  const name = info.name!;
  if (info.verb === 'get') return json(200, server.out(entry, server.registry.get(entry, info.namespace, name)));
  if (info.verb !== 'update' && info.verb !== 'patch') throw errMethodNotAllowed('the server does not allow this method on the requested resource');
  const ctx = server.writeCtx(req, entry, 'ephemeralcontainers');
  const body = info.verb === 'update' ? server.decodeObject(req, entry) : decodeBody(req);
  const r = await server.registry.update(
    entry,
    info.namespace,
    name,
    (cur) => {
      const old = clone(cur);
      let wanted: KObject;
      if (info.verb === 'update') {
        wanted = body as KObject;
        if (isPrecondition(wanted.metadata?.resourceVersion) && wanted.metadata.resourceVersion !== cur.metadata.resourceVersion) {
          throw errConflict('', 'pods', name, 'the object has been modified; please apply your changes to the latest version and try again');
        }
      } else {
        wanted = server.schemas.applyPatch(entry, mediaType(req), clone(cur), body);
      }
      cur.spec.ephemeralContainers = wanted.spec?.ephemeralContainers ?? [];
      entry.strategy.defaults?.(cur);
      const errs = [...(entry.strategy.validate?.(cur, { operation: 'update', now: new Date() }) ?? []), ...validateEphemeralUpdate(cur, old)];
      if (errs.length) throw errInvalid('', 'Pod', name, errs);
      return cur;
    },
    ctx,
  );
  return json(200, server.out(entry, r.obj));
};
