// authentication.k8s.io/v1 TokenReview and SelfSubjectReview: create-only, answered by the API server.
import type { KindStrategy } from '../../kind';

const info = (kind: string, resource: string) => ({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind,
  resource,
  singular: resource.replace(/s$/, ''),
  namespaced: false,
  verbs: ['create'],
  virtual: true,
});

// An empty token is answered with 400 "token must be provided" by the handler, not a field error, so no validate here.
export const tokenReviewStrategy: KindStrategy = { info: info('TokenReview', 'tokenreviews'), nameValidation: 'none' };
export const selfSubjectReviewStrategy: KindStrategy = { info: info('SelfSubjectReview', 'selfsubjectreviews'), nameValidation: 'none' };
