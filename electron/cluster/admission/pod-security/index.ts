// Pod Security admission (kube-apiserver's PodSecurity plugin with its default configuration: no exemptions, every
// mode privileged unless the namespace says otherwise). Namespace labels pod-security.kubernetes.io/<mode>[-version]
// choose the level per mode: enforce rejects pods, warn answers with a Warning; workload resources get only warnings
// for their pod templates; a namespace whose enforce level changes warns about the existing pods that violate it.
// Audit mode annotates the request's audit event (pod-security.kubernetes.io/audit-violations), as does the
// enforce level a pod was checked against (pod-security.kubernetes.io/enforce-policy).
import type { PodSpec } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { KObject } from '../../api/types';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from '../types';
import { admissionForbidden } from '../forbidden';
import { evaluate, describe, type Level } from './checks';
import { DEFAULT_POD_SECURITY, type PodSecurityConfig } from './config';

const PREFIX = 'pod-security.kubernetes.io/';
const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];

interface Policy {
  level: Level;
  version: string;
}

function policy(labels: Record<string, string> | undefined, mode: 'enforce' | 'warn' | 'audit', defaults: Record<string, string> = {}): Policy {
  const raw = labels?.[`${PREFIX}${mode}`] ?? defaults[mode];
  const version = labels?.[`${PREFIX}${mode}-version`] || defaults[`${mode}-version`] || 'latest';
  // an unknown level fails closed, as upstream evaluates it as restricted
  const level: Level = raw === undefined ? 'privileged' : (LEVELS as string[]).includes(raw) ? (raw as Level) : 'restricted';
  return { level, version: /^(latest|v1\.(0|[1-9][0-9]*))$/.test(version) ? version : 'latest' };
}
const label = (p: Policy) => `"${p.level}:${p.version}"`;

/** the pod template of a workload resource, or undefined */
function templateOf(a: AdmissionAttributes): { meta: ObjectMeta; spec: PodSpec } | undefined {
  const o = a.object!;
  const r = `${a.gvr.group}/${a.gvr.resource}`;
  let tpl: any;
  if (['apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs', '/replicationcontrollers'].includes(r))
    tpl = o.spec?.template;
  else if (r === 'batch/cronjobs') tpl = o.spec?.jobTemplate?.spec?.template;
  else if (r === '/podtemplates') tpl = (o as any).template;
  return tpl?.spec ? { meta: tpl.metadata ?? {}, spec: tpl.spec } : undefined;
}

function namespaceLabels(lookup: AdmissionLookup, ns: string | undefined): Record<string, string> | undefined {
  if (!ns) return undefined;
  return lookup.get({ group: '', version: 'v1', resource: 'namespaces' }, undefined, ns)?.metadata?.labels;
}

/** upstream groups pods with identical violations: `pod-a (and 2 other pods): reason, reason` */
function existingPodWarnings(ns: string, p: Policy, pods: KObject[]): string[] {
  const byReasons = new Map<string, string[]>();
  for (const pod of pods) {
    if (!pod.spec) continue;
    const v = evaluate(p.level, pod.metadata, pod.spec as PodSpec, p.version);
    if (!v.length) continue;
    const key = v.map((x) => x.reason).join(', ');
    byReasons.set(key, [...(byReasons.get(key) ?? []), pod.metadata.name!]);
  }
  if (!byReasons.size) return [];
  const out = [`existing pods in namespace "${ns}" violate the new PodSecurity enforce level ${label(p)}`];
  for (const [reasons, names] of byReasons) {
    const others = names.length - 1;
    out.push(`${names[0]}${others ? ` (and ${others} other pod${others === 1 ? '' : 's'})` : ''}: ${reasons}`);
  }
  return out;
}

export function podSecurityPlugin(config: PodSecurityConfig = DEFAULT_POD_SECURITY): AdmissionPlugin {
  const ex = config.exemptions;
  /** warn answers the client, audit annotates the audit event; both evaluate pods and workloads' templates */
  const warnAndAudit = (a: AdmissionAttributes, labels: Record<string, string>, meta: ObjectMeta, spec: PodSpec) => {
    const warn = policy(labels, 'warn', config.defaults);
    const wv = evaluate(warn.level, meta, spec, warn.version);
    if (wv.length) a.warn?.(`would violate PodSecurity ${label(warn)}: ${describe(wv)}`);
    const audit = policy(labels, 'audit', config.defaults);
    const av = evaluate(audit.level, meta, spec, audit.version);
    if (av.length) a.annotate?.(`${PREFIX}audit-violations`, `would violate PodSecurity ${label(audit)}: ${describe(av)}`);
  };
  return {
    name: 'PodSecurity',
    validate(a, lookup) {
      if (!a.object) return;
      // exempt requesters and namespaces are not evaluated at all, as upstream
      if (ex.usernames.includes(a.user.name) || (a.namespace && ex.namespaces.includes(a.namespace))) return;
      if (a.gvr.group === '' && a.gvr.resource === 'namespaces' && !a.subresource && (a.operation === 'CREATE' || a.operation === 'UPDATE')) {
        if (ex.namespaces.includes(a.object.metadata.name!)) return;
        const now = policy(a.object.metadata.labels, 'enforce', config.defaults);
        const before = a.oldObject ? policy(a.oldObject.metadata.labels, 'enforce', config.defaults) : undefined;
        if (a.operation === 'UPDATE' && now.level !== 'privileged' && (!before || before.level !== now.level || before.version !== now.version)) {
          for (const w of existingPodWarnings(
            a.object.metadata.name!,
            now,
            lookup.list({ group: '', version: 'v1', resource: 'pods' }, a.object.metadata.name),
          ))
            a.warn?.(w);
        }
        return;
      }
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
      if (!a.namespace) return;
      const labels = namespaceLabels(lookup, a.namespace) ?? {};
      if (a.gvr.group === '' && a.gvr.resource === 'pods') {
        // pod updates can change little; upstream re-checks only when the spec changed, which only ephemeral containers can
        if (a.subresource && a.subresource !== 'ephemeralcontainers') return;
        if (a.operation === 'UPDATE' && JSON.stringify(a.object.spec) === JSON.stringify(a.oldObject?.spec)) return;
        const spec = a.object.spec as PodSpec;
        if (spec?.runtimeClassName && ex.runtimeClasses.includes(spec.runtimeClassName)) return;
        const enforce = policy(labels, 'enforce', config.defaults);
        a.annotate?.(`${PREFIX}enforce-policy`, `${enforce.level}:${enforce.version}`);
        const ev = evaluate(enforce.level, a.object.metadata, spec, enforce.version);
        if (ev.length) throw admissionForbidden(a, `violates PodSecurity ${label(enforce)}: ${describe(ev)}`);
        warnAndAudit(a, labels, a.object.metadata, spec);
        return;
      }
      if (a.subresource) return;
      const tpl = templateOf(a);
      if (!tpl) return;
      if (a.operation === 'UPDATE') {
        const old = a.oldObject ? templateOf({ ...a, object: a.oldObject }) : undefined;
        if (old && JSON.stringify(old) === JSON.stringify(tpl)) return;
      }
      if (tpl.spec.runtimeClassName && ex.runtimeClasses.includes(tpl.spec.runtimeClassName)) return;
      warnAndAudit(a, labels, tpl.meta, tpl.spec);
    },
  };
}
