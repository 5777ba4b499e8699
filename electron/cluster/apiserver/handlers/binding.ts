// pods/binding: the scheduler's write that assigns a pod to a node (and marks it PodScheduled), as upstream's BindingREST.
import { errBadRequest, errConflict, statusError } from '../../api/errors';
import type { SpecialHandler } from '../handler';
import { nowRfc3339 } from '../meta';

export const bindingHandler: SpecialHandler = async ({ req, info, entry, server }) => {
  if (info.verb !== 'create') throw statusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const b = server.decodeAny(req);
  const node = b?.target?.name;
  if (!node) throw statusError(422, 'Invalid', `Binding "${info.name}" is invalid: target.name: Required value`);
  if (b.metadata?.name && b.metadata.name !== info.name) throw errBadRequest(`name in URL does not match name in Binding object`);
  const ctx = server.writeCtx(req, entry, 'binding');
  await server.registry.update(
    entry,
    info.namespace,
    info.name!,
    (pod) => {
      if (pod.metadata.deletionTimestamp) throw errConflict('', 'pods', info.name!, 'pod is being deleted, cannot be assigned to a host');
      if (pod.spec?.nodeName) throw errConflict('', 'pods', info.name!, `pod ${info.name} is already assigned to node "${pod.spec.nodeName}"`);
      pod.spec.nodeName = node;
      if (b.metadata?.annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...b.metadata.annotations };
      const conds: any[] = (pod.status ??= {}).conditions ?? [];
      const now = nowRfc3339();
      const i = conds.findIndex((c) => c.type === 'PodScheduled');
      const c = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now };
      if (i >= 0) conds[i] = c;
      else conds.push(c);
      pod.status.conditions = conds;
      return pod;
      // upstream's binding writes storage directly: no managedFields entry for the scheduler
    },
    { ...ctx, subresource: 'binding', internal: false, manage: undefined },
  );
  return { kind: 'json', status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
};
