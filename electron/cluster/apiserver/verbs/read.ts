// get and list (upstream's registry/rest get.go and list handlers): one object or a page of them, as JSON, as a
// Table for kubectl, or as PartialObjectMetadata.
import type { KObject } from '../../api/types';
import type { ResourceEntry } from '../catalog';
import type { ApiServer } from '../handler';
import type { Accept } from '../body';
import type { ApiResponse } from '../request';
import { intParam, resourceVersionParam, waitForResourceVersion } from '../query-params';
import { json } from '../responses';
import { toTable } from '../table';
import { getScale } from './scale';
import type { VerbContext } from './context';

export async function get({ server, req, info, entry, ns, accept }: VerbContext): Promise<ApiResponse> {
  const q = req.query;
  const sub = info.subresource;
  await waitForResourceVersion(resourceVersionParam(q), () => server.registry.store.revision());
  if (sub === 'scale') return json(200, await getScale(server, entry, ns, info.name!));
  const o = server.registry.get(entry, ns, info.name!, req.serializedReply);
  return render(server, entry, o, accept);
}

export async function list({ server, req, entry, ns, accept }: VerbContext): Promise<ApiResponse> {
  const q = req.query;
  const opts = listOpts(q);
  await waitForResourceVersion(opts.resourceVersion, () => server.registry.store.revision());
  // tables, metadata lists and answers that are only serialized read the objects: no private copy of each
  const l = server.registry.list(entry, ns, { ...opts, shared: req.serializedReply || accept.table || accept.partialMetadata });
  if (accept.table) return json(200, toTable(entry, l.items, l.metadata, accept));
  if (accept.partialMetadata) {
    return json(200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: l.metadata,
      items: l.items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })),
    });
  }
  return json(200, l);
}

function render(server: ApiServer, entry: ResourceEntry, o: KObject, accept: Accept): ApiResponse {
  if (accept.table) return json(200, toTable(entry, [o], { resourceVersion: o.metadata.resourceVersion }, accept));
  if (accept.partialMetadata) return json(200, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });
  return json(200, server.out(entry, o));
}

/** the list options of a list, watch or deletecollection request */
export function listOpts(q: URLSearchParams) {
  return {
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: intParam(q, 'limit'),
    continue: q.get('continue') ?? undefined,
    resourceVersion: resourceVersionParam(q),
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
  };
}
