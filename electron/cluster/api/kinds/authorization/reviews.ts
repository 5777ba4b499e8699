// authorization.k8s.io/v1 access reviews: create-only, answered by the API server and never stored.
import type { FieldError } from '../../errors';
import { invalid } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';

const GROUP = 'authorization.k8s.io';
const reviewInfo = (kind: string, resource: string, namespaced: boolean) => ({
  group: GROUP,
  version: 'v1',
  kind,
  resource,
  singular: resource.replace(/s$/, ''),
  namespaced,
  verbs: ['create'],
  virtual: true,
});

function validateAttributes(spec: any): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes'));
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    errs.push(invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  return errs;
}

/** SubjectAccessReview: who (user or groups) may do what. */
export function validateSubjectAccessReview(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs = validateAttributes(spec);
  if (!spec.user && !(spec.groups ?? []).length) errs.push(invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  return errs;
}

/** LocalSubjectAccessReview: as above, but confined to the namespace in the URL. */
export function validateLocalSubjectAccessReview(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs = validateSubjectAccessReview(obj);
  if (spec.resourceAttributes && spec.resourceAttributes.namespace !== obj.metadata.namespace) {
    errs.push(invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
  }
  if (spec.nonResourceAttributes) errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
  return errs;
}

export const selfSubjectAccessReviewStrategy: KindStrategy = {
  info: reviewInfo('SelfSubjectAccessReview', 'selfsubjectaccessreviews', false),
  nameValidation: 'none',
  validate: (obj) => validateAttributes(obj.spec ?? {}),
};
export const subjectAccessReviewStrategy: KindStrategy = {
  info: reviewInfo('SubjectAccessReview', 'subjectaccessreviews', false),
  nameValidation: 'none',
  validate: validateSubjectAccessReview,
};
export const localSubjectAccessReviewStrategy: KindStrategy = {
  info: reviewInfo('LocalSubjectAccessReview', 'localsubjectaccessreviews', true),
  nameValidation: 'none',
  validate: validateLocalSubjectAccessReview,
};
export const selfSubjectRulesReviewStrategy: KindStrategy = {
  info: reviewInfo('SelfSubjectRulesReview', 'selfsubjectrulesreviews', false),
  nameValidation: 'none',
};
