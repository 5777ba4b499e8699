// policy/v1 PodDisruptionBudget.
import type { FieldError } from '../../errors';
import { notSupported } from '../../errors';
import type { KindStrategy } from '../../kind';
import { validateLabelSelector } from '../../validation/selectors';
import { goInvalid } from '../go-format';
import {
  age,
  ageCol,
  col,
  keepSpec,
  keepStatusBumpGeneration,
  nameCol,
  notMoreThan100Percent,
  positiveIntOrPercent,
  resetStatusAndGeneration,
} from '../strategy-helpers';

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

// Go prints the two pointer fields as addresses; a stable stand-in keeps the message shape.
const goPdbSpec = (spec: any): string => {
  const ptr = (v: unknown) => (v == null ? '(*intstr.IntOrString)(nil)' : '(*intstr.IntOrString)(0xc000000000)');
  return `policy.PodDisruptionBudgetSpec{MinAvailable:${ptr(spec.minAvailable)}, Selector:(*v1.LabelSelector)(${spec.selector ? '0xc000000000' : 'nil'}), MaxUnavailable:${ptr(spec.maxUnavailable)}, UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}`;
};

function validatePdb(obj: any): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable != null && spec.maxUnavailable != null) {
    errs.push(goInvalid('spec', goPdbSpec(spec), 'minAvailable and maxUnavailable cannot be both set'));
  }
  if (spec.minAvailable != null) {
    errs.push(...positiveIntOrPercent(spec.minAvailable, 'spec.minAvailable'), ...notMoreThan100Percent(spec.minAvailable, 'spec.minAvailable'));
  }
  if (spec.maxUnavailable != null) {
    errs.push(...positiveIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'), ...notMoreThan100Percent(spec.maxUnavailable, 'spec.maxUnavailable'));
  }
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  if (spec.unhealthyPodEvictionPolicy != null && !EVICTION_POLICIES.includes(spec.unhealthyPodEvictionPolicy)) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, EVICTION_POLICIES));
  }
  return errs;
}

export const podDisruptionBudgetStrategy: KindStrategy = {
  info: {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    resource: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    namespaced: true,
    shortNames: ['pdb'],
    storagePrefix: 'poddisruptionbudgets',
    subresources: { status: true },
  },
  prepareForCreate: (obj) => resetStatusAndGeneration(obj, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }),
  prepareForUpdate: (obj, old) => keepStatusBumpGeneration(obj, old),
  prepareForStatusUpdate: keepSpec,
  validate: validatePdb,
  table: {
    columns: [
      nameCol,
      col('Min Available', 'string', 'The minimum number of pods that must be available.'),
      col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
      col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
      ageCol,
    ],
    row: (obj, now) => [
      obj.metadata.name,
      obj.spec?.minAvailable != null ? String(obj.spec.minAvailable) : 'N/A',
      obj.spec?.maxUnavailable != null ? String(obj.spec.maxUnavailable) : 'N/A',
      obj.status?.disruptionsAllowed ?? 0,
      age(obj, now),
    ],
  },
};
