// Priority: a pod's priorityClassName (or the cluster's global default class) resolves to spec.priority and
// spec.preemptionPolicy; PriorityClasses themselves may have only one global default.
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { admissionForbidden } from './forbidden';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types';

/** the newest-created global default, as upstream picks when several slipped in */
function globalDefault(lookup: AdmissionLookup): KObject | undefined {
  const defaults = lookup.list(R.priorityclasses).filter((pc) => pc.globalDefault === true);
  defaults.sort((x, y) => (y.metadata.creationTimestamp ?? '').localeCompare(x.metadata.creationTimestamp ?? ''));
  return defaults[0];
}

function admitPod(a: AdmissionAttributes, lookup: AdmissionLookup): void {
  const spec = (a.object!.spec ??= {});
  if (a.operation === 'UPDATE') {
    // priority is decided once, at creation; an update that leaves it out keeps it
    const old = a.oldObject?.spec ?? {};
    if (spec.priority === undefined && old.priority !== undefined) spec.priority = old.priority;
    if (spec.preemptionPolicy === undefined && old.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
    return;
  }
  let priority = 0;
  let policy: string | undefined;
  if (!spec.priorityClassName) {
    const pc = globalDefault(lookup);
    if (pc) {
      spec.priorityClassName = pc.metadata.name;
      priority = pc.value ?? 0;
      policy = pc.preemptionPolicy;
    }
  } else {
    const pc = lookup.get(R.priorityclasses, undefined, spec.priorityClassName);
    if (!pc) throw admissionForbidden(a, `no PriorityClass with name ${spec.priorityClassName} was found`);
    priority = pc.value ?? 0;
    policy = pc.preemptionPolicy ?? 'PreemptLowerPriority';
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
    throw admissionForbidden(
      a,
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    );
  }
  spec.priority = priority;
  if (policy) {
    if (spec.preemptionPolicy && spec.preemptionPolicy !== policy) {
      throw admissionForbidden(
        a,
        `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
      );
    }
    spec.preemptionPolicy = policy;
  }
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
}

function validatePriorityClass(a: AdmissionAttributes, lookup: AdmissionLookup): void {
  const pc = a.object!;
  if (pc.globalDefault !== true) return;
  const current = globalDefault(lookup);
  if (!current) return;
  if (a.operation === 'CREATE' || (a.operation === 'UPDATE' && current.metadata.name !== pc.metadata.name)) {
    throw admissionForbidden(a, `PriorityClass ${current.metadata.name} is already marked as default. Only one default can exist`);
  }
}

export const priority: AdmissionPlugin = {
  name: 'Priority',
  mutate(a, lookup) {
    if (a.gvr.group !== '' || a.gvr.resource !== 'pods' || a.subresource || !a.object) return;
    if (a.operation === 'CREATE' || a.operation === 'UPDATE') admitPod(a, lookup);
  },
  validate(a, lookup) {
    if (a.gvr.group !== 'scheduling.k8s.io' || a.gvr.resource !== 'priorityclasses' || a.subresource || !a.object) return;
    if (a.operation === 'CREATE' || a.operation === 'UPDATE') validatePriorityClass(a, lookup);
  },
};
