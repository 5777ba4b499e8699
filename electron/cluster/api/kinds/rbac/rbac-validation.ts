// Rules, role references and subjects shared by the four RBAC kinds.
import type { FieldError } from '../../errors';
import { invalid, notSupported, required } from '../../errors';
import { isDNS1123Subdomain, isPathSegmentName } from '../../validation/names';
import { goInvalid } from '../go-format';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function validatePolicyRule(rule: any, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!(rule?.verbs ?? []).length) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  if ((rule?.nonResourceURLs ?? []).length) {
    if (namespaced) errs.push(invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length || (rule.resources ?? []).length || (rule.resourceNames ?? []).length) {
      errs.push(invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (!(rule?.apiGroups ?? []).length) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (!(rule?.resources ?? []).length) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRules(rules: any[] | undefined, namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));
}

export function validateRoleRef(ref: any, allowedKinds: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (ref?.apiGroup && ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup, [RBAC_GROUP]));
  if (!allowedKinds.includes(ref?.kind)) errs.push(notSupported('roleRef.kind', ref?.kind ?? '', allowedKinds));
  if (!ref?.name) errs.push(required('roleRef.name', ''));
  else for (const m of isPathSegmentName(ref.name)) errs.push(invalid('roleRef.name', ref.name, m));
  return errs;
}

export function validateSubjects(subjects: any[] | undefined, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (subjects ?? []).forEach((s, i) => {
    const p = `subjects[${i}]`;
    if (!s?.name) errs.push(required(`${p}.name`, ''));
    switch (s?.kind) {
      case 'ServiceAccount':
        if (s.name) for (const m of isDNS1123Subdomain(s.name)) errs.push(invalid(`${p}.name`, s.name, m));
        if (s.apiGroup) errs.push(notSupported(`${p}.apiGroup`, s.apiGroup, ['']));
        if (!namespaced && !s.namespace) errs.push(required(`${p}.namespace`, ''));
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(`${p}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
        break;
      default:
        errs.push(notSupported(`${p}.kind`, s?.kind ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  });
  return errs;
}

/**
 * v1 defaulting: roleRef and User/Group subjects carry the RBAC group; ServiceAccount subjects the core group, which
 * is the empty string and so, apiGroup being omitempty, absent from what the server returns.
 */
export function defaultBinding(obj: any): void {
  if (obj.roleRef) obj.roleRef.apiGroup ||= RBAC_GROUP;
  for (const s of obj.subjects ?? []) {
    if (s.kind === 'ServiceAccount') {
      if (s.apiGroup === '') delete s.apiGroup;
    } else if (s.apiGroup === undefined) s.apiGroup = RBAC_GROUP;
  }
}

const goRoleRef = (r: any): string =>
  `rbac.RoleRef{APIGroup:${JSON.stringify(r?.apiGroup ?? '')}, Kind:${JSON.stringify(r?.kind ?? '')}, Name:${JSON.stringify(r?.name ?? '')}}`;

export function roleRefImmutable(obj: any, old: any): FieldError[] {
  const a = obj.roleRef ?? {};
  const b = old.roleRef ?? {};
  if (a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name) return [];
  return [goInvalid('roleRef', goRoleRef(a), 'cannot change roleRef')];
}

/** rbac.SubjectsStrings: users, groups and "namespace/name" service accounts for the wide columns. */
export function subjectsStrings(subjects: any[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
    else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}
