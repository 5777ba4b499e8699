// scheduling.k8s.io/v1 PriorityClass (cluster-scoped).
import type { FieldError } from '../../errors';
import { forbidden, immutable, notSupported } from '../../errors';
import type { KindStrategy } from '../../kind';
import { age, ageCol, col, nameCol } from '../strategy-helpers';

const SYSTEM_PREFIX = 'system-';
const HIGHEST_USER_PRIORITY = 1000000000;
/** The two classes the API server itself creates; only they may use the reserved prefix. */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

function systemClassProblem(name: string, value: number, globalDefault: boolean): string | undefined {
  const want = SYSTEM_PRIORITY_CLASSES[name];
  if (want === undefined) return `${name} is not a known system priority class`;
  if (want !== value) return `value of ${name} PriorityClass must be ${want}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

function validatePriorityClass(obj: any): FieldError[] {
  const errs: FieldError[] = [];
  const name: string = obj.metadata.name ?? '';
  if (name.startsWith(SYSTEM_PREFIX)) {
    const problem = systemClassProblem(name, obj.value ?? 0, !!obj.globalDefault);
    if (problem)
      errs.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${problem}`));
  } else if ((obj.value ?? 0) > HIGHEST_USER_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
  }
  if (obj.preemptionPolicy != null && !PREEMPTION_POLICIES.includes(obj.preemptionPolicy)) {
    errs.push(notSupported('preemptionPolicy', obj.preemptionPolicy, PREEMPTION_POLICIES));
  }
  return errs;
}

function validatePriorityClassUpdate(obj: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.value !== old.value) errs.push(forbidden('value', 'may not be changed in an update.'));
  if (obj.preemptionPolicy !== old.preemptionPolicy) errs.push(immutable('preemptionPolicy', obj.preemptionPolicy ?? null));
  return errs;
}

export const priorityClassStrategy: KindStrategy = {
  info: {
    group: 'scheduling.k8s.io',
    version: 'v1',
    kind: 'PriorityClass',
    resource: 'priorityclasses',
    singular: 'priorityclass',
    namespaced: false,
    shortNames: ['pc'],
    storagePrefix: 'priorityclasses',
  },
  defaults: (obj) => {
    obj.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate: validatePriorityClass,
  validateUpdate: validatePriorityClassUpdate,
  table: {
    columns: [
      nameCol,
      col(
        'Value',
        'integer',
        'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.',
      ),
      col(
        'Global-Default',
        'boolean',
        'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.',
      ),
      ageCol,
      col(
        'PreemptionPolicy',
        'string',
        'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.',
      ),
    ],
    row: (obj, now) => [obj.metadata.name, obj.value ?? 0, obj.globalDefault ?? false, age(obj, now), obj.preemptionPolicy ?? ''],
  },
};
