// node.k8s.io/v1 RuntimeClass (cluster-scoped): maps a class name to a CRI handler, plus overhead and scheduling.
import type { FieldError } from '../../errors';
import { immutable, invalid } from '../../errors';
import type { KindStrategy } from '../../kind';
import { isQuantity } from '../../quantity';
import { isDNS1123Label } from '../../validation/names';
import { age, ageCol, col, nameCol } from '../strategy-helpers';

function validateRuntimeClass(obj: any): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of isDNS1123Label(obj.handler ?? '')) errs.push(invalid('handler', obj.handler ?? '', m));
  for (const [k, v] of Object.entries(obj.overhead?.podFixed ?? {})) {
    if (!isQuantity(v)) errs.push(invalid(`overhead.podFixed[${k}]`, v, 'must be a valid quantity'));
  }
  (obj.scheduling?.tolerations ?? []).forEach((t: any, i: number) => {
    if (t?.operator === 'Exists' && t?.value)
      errs.push(invalid(`scheduling.tolerations[${i}].operator`, t.value, "value must be empty when `operator` is 'Exists'"));
  });
  return errs;
}

export const runtimeClassStrategy: KindStrategy = {
  info: {
    group: 'node.k8s.io',
    version: 'v1',
    kind: 'RuntimeClass',
    resource: 'runtimeclasses',
    singular: 'runtimeclass',
    namespaced: false,
    storagePrefix: 'runtimeclasses',
  },
  validate: validateRuntimeClass,
  validateUpdate: (obj, old) => (obj.handler === old.handler ? [] : [immutable('handler', obj.handler)]),
  table: {
    columns: [nameCol, col('Handler', 'string', ''), ageCol],
    row: (obj, now) => [obj.metadata.name, obj.handler ?? '', age(obj, now)],
  },
};
