// NamespaceLifecycle: no new content in missing or terminating namespaces; the system namespaces cannot be deleted.
import { R } from '../client/resources';
import { errForbidden, statusError } from '../api/errors';
import type { AdmissionPlugin } from './types';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);
/** objects that must still be writable while their namespace is terminating (upstream's exemptions) */
const EXEMPT_IN_TERMINATING = new Set([
  'events',
  'tokenreviews',
  'subjectaccessreviews',
  'localsubjectaccessreviews',
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'selfsubjectreviews',
]);

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  validate(a, lookup) {
    if (a.gvr.resource === 'namespaces') {
      if (a.operation === 'DELETE' && IMMORTAL.has(a.name)) {
        throw errForbidden(`namespaces "${a.name}" is forbidden: this namespace may not be deleted`, { name: a.name, kind: 'namespaces' });
      }
      return;
    }
    if (a.operation !== 'CREATE' || !a.namespace) return;
    const ns = lookup.get(R.namespaces, undefined, a.namespace);
    if (!ns) {
      throw statusError(404, 'NotFound', `namespaces "${a.namespace}" not found`, { name: a.namespace, kind: 'namespaces' });
    }
    if ((ns.status?.phase === 'Terminating' || ns.metadata.deletionTimestamp) && !EXEMPT_IN_TERMINATING.has(a.gvr.resource)) {
      throw errForbidden(
        `${a.gvr.resource}${a.gvr.group ? '.' + a.gvr.group : ''} "${a.name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`,
        {
          name: a.name,
          group: a.gvr.group || undefined,
          kind: a.gvr.resource,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }],
        },
      );
    }
  },
};
