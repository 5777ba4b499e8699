// apps/v1 ControllerRevision: immutable snapshots of a StatefulSet/DaemonSet template.
import type { FieldError } from '../../errors';
import { immutable } from '../../errors';
import type { KindStrategy } from '../../kind';
import { age, ageCol, col, nameCol, nonNegative } from '../strategy-helpers';
import { deepEqual } from '../../object';

/** `<kind.group>/<name>` of the controlling owner, like formatResourceName(withKind). */
function controllerName(obj: any): string {
  const ref = (obj.metadata?.ownerReferences ?? []).find((r: any) => r.controller);
  if (!ref) return '<none>';
  const group = String(ref.apiVersion ?? '').includes('/') ? String(ref.apiVersion).split('/')[0] : '';
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${String(kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionStrategy: KindStrategy = {
  info: {
    group: 'apps',
    version: 'v1',
    kind: 'ControllerRevision',
    resource: 'controllerrevisions',
    singular: 'controllerrevision',
    namespaced: true,
    storagePrefix: 'controllerrevisions',
  },
  validate: (obj) => nonNegative(obj.revision, 'revision'),
  validateUpdate: (obj, old): FieldError[] => (deepEqual(obj.data, old.data) ? [] : [immutable('data', undefined)]),
  table: {
    columns: [
      nameCol,
      col('Controller', 'string', 'Controller of the object'),
      col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
      ageCol,
    ],
    row: (obj, now) => [obj.metadata.name, controllerName(obj), obj.revision ?? 0, age(obj, now)],
  },
};
