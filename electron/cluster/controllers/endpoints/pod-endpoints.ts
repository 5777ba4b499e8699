// What a pod contributes to a Service's endpoints: its IP, readiness, and the service ports resolved against
// the pod's named container ports (a port the pod lacks is left out for that pod, as upstream does).
import type { KObject } from '../../api/types';

export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export function isHeadless(svc: KObject): boolean {
  return svc.spec?.clusterIP === 'None';
}

/** the container port a service port reaches on this pod, or undefined when a named targetPort is missing */
export function resolveTargetPort(pod: KObject, sp: any): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return parseInt(tp, 10);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of [...(pod.spec?.initContainers ?? []).filter((x: any) => x.restartPolicy === 'Always'), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

export function endpointPorts(svc: KObject, pod: KObject): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = resolveTargetPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
    if (sp.name) ep.name = sp.name;
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

export function portsKey(ports: EndpointPort[]): string {
  return JSON.stringify(
    [...ports]
      .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port)
      .map((p) => [p.name ?? '', p.port, p.protocol, p.appProtocol ?? '']),
  );
}

/** DNS hostname of the pod under a headless service named like its spec.subdomain */
export function podHostname(svc: KObject, pod: KObject): string | undefined {
  const h = pod.spec?.hostname;
  return h && pod.spec?.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace ? h : undefined;
}

export function targetRef(pod: KObject): Record<string, string> {
  return { kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! };
}

/** Go's RFC3339Nano: fractional seconds without trailing zeros */
export function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f ? `.${f}Z` : 'Z'));
}

/** labels an endpoints object inherits from its service, plus the headless marker */
export function inheritedLabels(svc: KObject): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  return labels;
}
