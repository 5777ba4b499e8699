// coordination.k8s.io/v1 Lease: node heartbeats and leader election.
import type { FieldError } from '../../errors';
import { invalid, notSupported } from '../../errors';
import type { KindStrategy } from '../../kind';
import { age, ageCol, col, nameCol, nonNegative } from '../strategy-helpers';

function validateLease(obj: any): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds != null && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  errs.push(...nonNegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  if (spec.strategy != null && spec.strategy !== 'OldestEmulationVersion') {
    errs.push(notSupported('spec.strategy', spec.strategy, ['OldestEmulationVersion']));
  }
  return errs;
}

export const leaseStrategy: KindStrategy = {
  info: {
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    resource: 'leases',
    singular: 'lease',
    namespaced: true,
    storagePrefix: 'leases',
  },
  validate: validateLease,
  table: {
    columns: [
      nameCol,
      col(
        'Holder',
        'string',
        'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
      ),
      ageCol,
    ],
    row: (obj, now) => [obj.metadata.name, obj.spec?.holderIdentity ?? '', age(obj, now)],
  },
  allowCreateOnUpdate: true,
};
