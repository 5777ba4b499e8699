import type { KindStrategy } from '../../kind';
import { clusterRoleBindingStrategy, roleBindingStrategy } from './bindings';
import { clusterRoleStrategy, roleStrategy } from './roles';

export const rbacKinds: KindStrategy[] = [roleStrategy, roleBindingStrategy, clusterRoleStrategy, clusterRoleBindingStrategy];
export { roleStrategy, roleBindingStrategy, clusterRoleStrategy, clusterRoleBindingStrategy };
