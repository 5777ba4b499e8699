// rbac.authorization.k8s.io/v1 Role and ClusterRole (names are path segments, tables are the default NAME/CREATED AT).
import type { FieldError } from '../../errors';
import { required } from '../../errors';
import type { KindStrategy, TableSpec } from '../../kind';
import { validateLabelSelector } from '../../validation/selectors';
import { createdAtCol, nameCol } from '../strategy-helpers';
import { validateRules } from './rbac-validation';

export const createdAtTable: TableSpec = {
  columns: [nameCol, createdAtCol],
  row: (obj) => [obj.metadata.name, obj.metadata.creationTimestamp ?? null],
};

export const roleStrategy: KindStrategy = {
  info: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'Role',
    resource: 'roles',
    singular: 'role',
    namespaced: true,
    storagePrefix: 'roles',
  },
  nameValidation: 'path-segment',
  validate: (obj) => validateRules(obj.rules, true),
  table: createdAtTable,
};

function validateClusterRole(obj: any): FieldError[] {
  const errs = validateRules(obj.rules, false);
  const agg = obj.aggregationRule;
  if (agg) {
    const sels = agg.clusterRoleSelectors ?? [];
    if (!sels.length) errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    sels.forEach((s: any, i: number) => errs.push(...validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

export const clusterRoleStrategy: KindStrategy = {
  info: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRole',
    resource: 'clusterroles',
    singular: 'clusterrole',
    namespaced: false,
    storagePrefix: 'clusterroles',
  },
  nameValidation: 'path-segment',
  validate: validateClusterRole,
  table: createdAtTable,
};
