// Which Ingresses an ingress-nginx controller serves (its ingress class handling in pkg/ingress/controller/store):
// the legacy annotation decides when present; else spec.ingressClassName must name an IngressClass whose
// spec.controller is this controller's; an Ingress with no class at all is served with --watch-ingress-without-class
// or when this controller's class is the cluster's default.
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1';

export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

export interface ClassOptions {
  /** --ingress-class (the IngressClass name, and the legacy annotation's value) */
  ingressClass: string;
  /** --controller-class */
  controllerClass: string;
  /** --watch-ingress-without-class */
  watchWithoutClass: boolean;
}

export function servedBy(ing: Ingress, classes: IngressClass[], o: ClassOptions): boolean {
  const legacy = ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (legacy !== undefined) return legacy === o.ingressClass;
  const name = ing.spec?.ingressClassName;
  if (name) return classes.some((c) => c.metadata?.name === name && c.spec?.controller === o.controllerClass);
  if (o.watchWithoutClass) return true;
  return classes.some((c) => c.spec?.controller === o.controllerClass && c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
}
