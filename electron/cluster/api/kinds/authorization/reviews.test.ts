import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import { authorizationKinds, localSubjectAccessReviewStrategy, subjectAccessReviewStrategy } from './index';

const ctx = { operation: 'create' as const, now: new Date() };

describe('access reviews', () => {
  it('are virtual, create-only kinds', () => {
    for (const k of authorizationKinds) expect(k.info).toMatchObject({ virtual: true, verbs: ['create'] });
  });
  it('need exactly one kind of attributes and a subject', () => {
    const m = errInvalid('authorization.k8s.io', 'SubjectAccessReview', '', subjectAccessReviewStrategy.validate!({ metadata: {}, spec: {} }, ctx)).message;
    expect(m).toBe(
      'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
    );
  });
  it('confine local reviews to their namespace', () => {
    const obj = { metadata: { namespace: 'a' }, spec: { user: 'jane', resourceAttributes: { namespace: 'b', verb: 'get', resource: 'pods' } } };
    expect(localSubjectAccessReviewStrategy.validate!(obj, ctx)).toEqual([
      { type: 'FieldValueInvalid', field: 'spec.resourceAttributes.namespace', badValue: 'b', detail: 'must match metadata.namespace' },
    ]);
  });
});
