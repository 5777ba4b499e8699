// The scale subresource (upstream's ScaleREST): an autoscaling/v1 Scale read from and written to the paths the
// kind's strategy (or the CRD's subresources.scale) names.
import type { KObject } from '../../api/types';
import { statusError } from '../../api/errors';
import type { ResourceEntry } from '../catalog';
import type { ApiServer } from '../handler';
import { isPrecondition, type WriteContext } from '../registry';
import { notFoundPath } from '../responses';
import { selectorString, type LabelSelectorLike } from '../../api/selectors';

export async function getScale(server: ApiServer, entry: ResourceEntry, ns: string | undefined, name: string): Promise<KObject> {
  const spec = entry.strategy.info.subresources?.scale ?? crdScale(entry);
  if (!spec) throw notFoundPath();
  const o = server.registry.get(entry, ns, name);
  const get = (path: string) =>
    path
      .replace(/^\./, '')
      .split('.')
      .reduce((a: any, k) => (a == null ? undefined : a[k]), o);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace: ns, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: get(spec.specReplicasPath) ?? 0 },
    status: { replicas: get(spec.statusReplicasPath) ?? 0, selector: scaleSelector(spec.labelSelectorPath ? get(spec.labelSelectorPath) : undefined) },
  };
}

export async function updateScale(
  server: ApiServer,
  entry: ResourceEntry,
  ns: string | undefined,
  name: string,
  scale: KObject,
  ctx: WriteContext,
): Promise<KObject> {
  const spec = entry.strategy.info.subresources?.scale ?? crdScale(entry);
  if (!spec) throw notFoundPath();
  const replicas = scale?.spec?.replicas;
  if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
    throw statusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`);
  }
  const path = spec.specReplicasPath.replace(/^\./, '').split('.');
  await server.registry.update(
    entry,
    ns,
    name,
    (cur) => {
      if (isPrecondition(scale.metadata?.resourceVersion) && scale.metadata.resourceVersion !== cur.metadata.resourceVersion) {
        throw statusError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${entry.resource}.${entry.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      let t: any = cur;
      for (const k of path.slice(0, -1)) t = t[k] ??= {};
      t[path[path.length - 1]] = replicas;
      return cur;
    },
    // the managedFields entry names the scale subresource however the request came (PUT or PATCH), as upstream's
    { ...ctx, manage: ctx.manage && ((obj, old, op) => ctx.manage!(obj, old, op, 'scale')) },
  );
  return getScale(server, entry, ns, name);
}

function crdScale(entry: ResourceEntry): { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } | undefined {
  const v = (entry.crd?.spec?.versions ?? []).find((x: any) => x.name === entry.version);
  return v?.subresources?.scale;
}

/** a CRD's labelSelectorPath holds the selector already as a string; a built-in kind's is a LabelSelector */
function scaleSelector(sel: unknown): string | undefined {
  if (!sel) return undefined;
  if (typeof sel === 'string') return sel;
  return selectorString(sel as LabelSelectorLike);
}
