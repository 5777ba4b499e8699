// apiregistration.k8s.io/v1 APIService (cluster-scoped): which API server serves a group-version. KubeLab has no
// aggregated servers, so every built-in group-version has a "Local" APIService (spec.service unset), as upstream's
// kube-aggregator registers them; users may create others, which stay unavailable for want of a backend.
import type { KObject } from '../../types';
import type { KindStrategy } from '../../kind';
import { type FieldError, invalid, required } from '../../errors';
import { age, ageCol, col, nameCol } from '../strategy-helpers';

function validateAPIService(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const want = `${spec.version ?? ''}.${spec.group ?? ''}`;
  if (obj.metadata.name !== want) errs.push(invalid('metadata.name', obj.metadata.name, `must be ${want}`));
  if (!spec.version) errs.push(required('spec.version', ''));
  if (!(spec.groupPriorityMinimum > 0 && spec.groupPriorityMinimum <= 20000))
    errs.push(invalid('spec.groupPriorityMinimum', spec.groupPriorityMinimum ?? 0, 'must be positive and less than 20000'));
  if (!(spec.versionPriority > 0)) errs.push(invalid('spec.versionPriority', spec.versionPriority ?? 0, 'must be positive and less than 1000'));
  if (!spec.service && (spec.caBundle || spec.insecureSkipTLSVerify)) errs.push(required('spec.service', 'local APIServices may not have a caBundle'));
  return errs;
}

function available(o: KObject): string {
  const c = (o.status?.conditions ?? []).find((x: { type: string }) => x.type === 'Available');
  if (!c) return 'Unknown';
  return c.status === 'True' ? 'True' : `${c.status} (${c.reason ?? ''})`;
}

export const apiServiceStrategy: KindStrategy = {
  info: {
    group: 'apiregistration.k8s.io',
    version: 'v1',
    kind: 'APIService',
    resource: 'apiservices',
    singular: 'apiservice',
    namespaced: false,
    subresources: { status: true },
    storagePrefix: 'apiregistration.k8s.io/apiservices',
  },
  // "v1." (the core group) is a valid name: upstream checks names only as path segments
  nameValidation: 'path-segment',
  validate: validateAPIService,
  prepareForCreate(obj) {
    // a new APIService starts without status; the local ones get theirs from the registration at startup
    delete obj.status;
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
  },
  table: {
    columns: [
      nameCol,
      col('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
      col('Available', 'string', 'Whether this service is available.'),
      ageCol,
    ],
    row: (o, now) => [o.metadata.name, o.spec?.service ? `${o.spec.service.namespace}/${o.spec.service.name}` : 'Local', available(o), age(o, now)],
  },
};
