import type { KindStrategy } from '../../kind';
import { selfSubjectReviewStrategy, tokenReviewStrategy } from './reviews';

export const authenticationKinds: KindStrategy[] = [tokenReviewStrategy, selfSubjectReviewStrategy];
export { tokenReviewStrategy, selfSubjectReviewStrategy };
