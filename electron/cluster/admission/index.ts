// The admission chain, in upstream's order.
import type { AdmissionPlugin } from './types';
import { namespaceLifecycle } from './namespace-lifecycle';

export function admissionPlugins(): AdmissionPlugin[] {
  return [namespaceLifecycle];
}
