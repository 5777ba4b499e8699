// rbac.authorization.k8s.io/v1 RoleBinding and ClusterRoleBinding.
import type { KindStrategy, TableSpec } from '../../kind';
import { age, ageCol, col, nameCol, wide } from '../strategy-helpers';
import { defaultBinding, roleRefImmutable, subjectsStrings, validateRoleRef, validateSubjects } from './rbac-validation';

function bindingTable(what: string): TableSpec {
  return {
    columns: [
      nameCol,
      col(
        'Role',
        'string',
        `RoleRef can only reference a ${what === 'roleBinding' ? 'ClusterRole or a Role' : 'ClusterRole'} in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.`,
      ),
      ageCol,
      wide('Users', `Users in the ${what}`),
      wide('Groups', `Groups in the ${what}`),
      wide('ServiceAccounts', `ServiceAccounts in the ${what}`),
    ],
    row(obj, now) {
      const [users, groups, sas] = subjectsStrings(obj.subjects);
      return [obj.metadata.name, `${obj.roleRef?.kind ?? ''}/${obj.roleRef?.name ?? ''}`, age(obj, now), users, groups, sas];
    },
  };
}

export const roleBindingStrategy: KindStrategy = {
  info: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'RoleBinding',
    resource: 'rolebindings',
    singular: 'rolebinding',
    namespaced: true,
    storagePrefix: 'rolebindings',
  },
  nameValidation: 'path-segment',
  defaults: defaultBinding,
  validate: (obj) => [...validateRoleRef(obj.roleRef, ['Role', 'ClusterRole']), ...validateSubjects(obj.subjects, true)],
  validateUpdate: roleRefImmutable,
  table: bindingTable('roleBinding'),
};

export const clusterRoleBindingStrategy: KindStrategy = {
  info: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    resource: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    namespaced: false,
    storagePrefix: 'clusterrolebindings',
  },
  nameValidation: 'path-segment',
  defaults: defaultBinding,
  validate: (obj) => [...validateRoleRef(obj.roleRef, ['ClusterRole']), ...validateSubjects(obj.subjects, false)],
  validateUpdate: roleRefImmutable,
  table: bindingTable('clusterRoleBinding'),
};
