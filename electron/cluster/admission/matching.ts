// What ValidatingAdmissionPolicy bindings and admission webhooks share to decide whether a request concerns them:
// upstream's rule matching (operations, groups, versions, resources with subresources, scope) and the namespace
// and object selectors, and the CEL view of a request (object, oldObject, request) their match conditions read.
import { compileCel, toCel } from '../api/cel';
import { aggregateMessage } from './forbidden';
import { labelSelectorMatches, type LabelSelectorLike } from '../api/selectors';
import type { AdmissionAttributes, AdmissionLookup } from './types';

export interface MatchRule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  resourceNames?: string[];
  operations?: string[];
  scope?: string;
}

const anyOf = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

export function ruleMatches(r: MatchRule, a: AdmissionAttributes): boolean {
  const namespaced = !!a.namespace;
  if (!anyOf(r.operations, a.operation) || !anyOf(r.apiGroups, a.gvr.group) || !anyOf(r.apiVersions, a.gvr.version)) return false;
  // "*": every resource but no subresource; "*/*": everything; "pods/*": pods' subresources; "*/scale": every scale
  const [want, sub] = [a.gvr.resource, a.subresource ?? ''];
  const resOk = (r.resources ?? []).some((x) => {
    const [rr, rs = ''] = x.split('/');
    return (rr === '*' || rr === want) && (rs === sub || (rs === '*' && (x === '*/*' || sub !== '')));
  });
  if (!resOk) return false;
  if (r.resourceNames?.length && !r.resourceNames.includes(a.name)) return false;
  if (r.scope === 'Namespaced' && !namespaced) return false;
  if (r.scope === 'Cluster' && namespaced) return false;
  return true;
}

const nonEmpty = (sel: LabelSelectorLike | undefined): sel is LabelSelectorLike =>
  !!sel && (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions?.length ?? 0) > 0);

/** a namespaceSelector: the labels of the request's namespace (of the namespace itself when it is the object) */
export function namespaceSelected(sel: LabelSelectorLike | undefined, a: AdmissionAttributes, lookup: AdmissionLookup): boolean {
  if (!nonEmpty(sel)) return true;
  const isNamespace = a.gvr.group === '' && a.gvr.resource === 'namespaces';
  // cluster-scoped objects other than namespaces are never excluded by a namespace selector
  if (!a.namespace && !isNamespace) return true;
  const labels = isNamespace
    ? (a.object ?? a.oldObject)?.metadata?.labels
    : lookup.get({ group: '', version: 'v1', resource: 'namespaces' }, undefined, a.namespace!)?.metadata?.labels;
  return labelSelectorMatches(sel, labels);
}

/** an objectSelector: the new or the old object's labels */
export function objectSelected(sel: LabelSelectorLike | undefined, a: AdmissionAttributes): boolean {
  if (!nonEmpty(sel)) return true;
  return labelSelectorMatches(sel, a.object?.metadata?.labels) || labelSelectorMatches(sel, a.oldObject?.metadata?.labels);
}

/** the request as CEL's `request` and an AdmissionReview's request show it (without object and uid) */
export function requestOf(a: AdmissionAttributes): Record<string, unknown> {
  return {
    kind: { group: a.gvr.group, version: a.gvr.version, kind: a.kind },
    resource: { group: a.gvr.group, version: a.gvr.version, resource: a.gvr.resource },
    subResource: a.subresource ?? '',
    name: a.name,
    namespace: a.namespace ?? '',
    operation: a.operation,
    userInfo: { username: a.user.name, uid: a.user.uid ?? '', groups: a.user.groups, extra: a.user.extra ?? {} },
    dryRun: a.dryRun,
  };
}

/** object/oldObject as admission sees them: a DELETE has no new object */
export function celObjects(a: AdmissionAttributes): { object: unknown; oldObject: unknown } {
  return { object: toCel(a.operation === 'DELETE' ? null : (a.object ?? null)), oldObject: toCel(a.oldObject ?? null) };
}

/**
 * Upstream's matchConditions matcher: a condition that is false leaves the request alone whatever the others did;
 * otherwise the conditions that failed to evaluate are the answer, each as `expression '<e>' resulted in error: …`.
 */
export function evaluateMatchConditions(conditions: { expression: string }[], env: Record<string, unknown>): { matches: boolean; error?: string } {
  const errors: string[] = [];
  for (const mc of conditions) {
    try {
      // anything but true unselects (upstream's type check admits only bools there)
      if (compileCel(mc.expression)(env) !== true) return { matches: false };
    } catch (err) {
      errors.push(`expression '${mc.expression}' resulted in error: ${(err as Error).message}`);
    }
  }
  return errors.length ? { matches: false, error: aggregateMessage(errors) } : { matches: true };
}
