// Small formatting helpers shared by the core printers (access-mode shorthands, columns).
import type { TableColumn } from '../../kind';

const ACCESS_MODE_SHORT: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** "RWO,RWX" in upstream's fixed order, duplicates dropped. */
export function accessModesString(modes: string[] | undefined): string {
  const set = new Set(modes ?? []);
  return ACCESS_MODE_SHORT.filter(([m]) => set.has(m))
    .map(([, s]) => s)
    .join(',');
}

/** Column descriptions reused by every printer, as upstream takes them from ObjectMeta's docs. */
export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const nameColumn = (): TableColumn => ({ name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 });
export const ageColumn = (): TableColumn => ({ name: 'Age', type: 'string', description: AGE_DESCRIPTION, priority: 0 });
export const col = (name: string, type: TableColumn['type'] = 'string', priority = 0, description = ''): TableColumn => ({ name, type, priority, description });
