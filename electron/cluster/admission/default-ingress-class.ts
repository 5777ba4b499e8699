// DefaultIngressClass: an Ingress created without a class (no spec.ingressClassName and no legacy
// kubernetes.io/ingress.class annotation) gets the cluster's default IngressClass, the one annotated
// ingressclass.kubernetes.io/is-default-class=true (the newest when several are).
import { R } from '../client/resources';
import type { AdmissionPlugin } from './types';
import { newestDefault } from './default-storage-class';

export const defaultIngressClassPlugin: AdmissionPlugin = {
  name: 'DefaultIngressClass',
  mutate(a, lookup) {
    if (a.gvr.group !== 'networking.k8s.io' || a.gvr.resource !== 'ingresses' || a.subresource || a.operation !== 'CREATE' || !a.object) return;
    const spec = (a.object.spec ??= {});
    if (spec.ingressClassName != null || a.object.metadata.annotations?.['kubernetes.io/ingress.class'] !== undefined) return;
    const c = newestDefault(lookup.list(R.ingressclasses), ['ingressclass.kubernetes.io/is-default-class']);
    if (c) spec.ingressClassName = c.metadata.name;
  },
};
