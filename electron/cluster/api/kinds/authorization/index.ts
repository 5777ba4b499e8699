import type { KindStrategy } from '../../kind';
import { localSubjectAccessReviewStrategy, selfSubjectAccessReviewStrategy, selfSubjectRulesReviewStrategy, subjectAccessReviewStrategy } from './reviews';

export const authorizationKinds: KindStrategy[] = [
  selfSubjectAccessReviewStrategy,
  subjectAccessReviewStrategy,
  localSubjectAccessReviewStrategy,
  selfSubjectRulesReviewStrategy,
];
export { localSubjectAccessReviewStrategy, selfSubjectAccessReviewStrategy, selfSubjectRulesReviewStrategy, subjectAccessReviewStrategy };
