// RBAC policy rules: whether one rule allows a request, and whether a set of rules covers another (escalation check).
import type { PolicyRule } from 'kubernetes-types/rbac/v1';
import type { AuthorizationAttributes } from '../authorizer';

const has = (list: string[] | undefined, v: string) => !!list && list.includes(v);

function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    // "*/scale" grants the scale subresource of every resource
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

/** a non-resource URL rule ending in * matches every path with that prefix */
function urlMatches(ruleUrl: string, path: string): boolean {
  if (ruleUrl === '*' || ruleUrl === path) return true;
  return ruleUrl.endsWith('*') && path.startsWith(ruleUrl.slice(0, -1));
}

export function ruleAllows(a: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, '*') && !has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return (rule.nonResourceURLs ?? []).some((u) => urlMatches(u, a.path ?? ''));
  if (!has(rule.apiGroups, '*') && !has(rule.apiGroups, a.apiGroup ?? '')) return false;
  if (!resourceMatches(rule, a.resource ?? '', a.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name ?? '');
}

/** one verb on one resource (and name) or on one URL: the unit the escalation check compares */
interface Atom {
  verb: string;
  group?: string;
  resource?: string;
  name?: string;
  url?: string;
}

function atomsOf(rule: PolicyRule): Atom[] {
  const out: Atom[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const url of rule.nonResourceURLs ?? []) out.push({ verb, url });
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
        for (const name of names) out.push({ verb, group, resource, name });
      }
    }
  }
  return out;
}

function ownerCovers(owner: PolicyRule, x: Atom): boolean {
  if (!has(owner.verbs, '*') && !has(owner.verbs, x.verb)) return false;
  if (x.url !== undefined) return (owner.nonResourceURLs ?? []).some((u) => urlMatches(u, x.url!));
  if (!has(owner.apiGroups, '*') && !has(owner.apiGroups, x.group!)) return false;
  const res = owner.resources ?? [];
  if (!res.includes('*') && !res.includes(x.resource!)) {
    const slash = x.resource!.indexOf('/');
    if (slash < 0 || !res.includes(`*${x.resource!.slice(slash)}`)) return false;
  }
  const names = owner.resourceNames ?? [];
  return names.length === 0 || (x.name !== undefined && names.includes(x.name));
}

/** the rules of `wanted` that no rule of `owned` covers, merged back per resource as upstream reports them */
export function uncoveredRules(owned: PolicyRule[], wanted: PolicyRule[]): PolicyRule[] {
  const missing = new Map<string, PolicyRule>();
  for (const rule of wanted) {
    for (const atom of atomsOf(rule)) {
      if (owned.some((o) => ownerCovers(o, atom))) continue;
      const key = atom.url !== undefined ? `url|${atom.url}` : `res|${atom.group}|${atom.resource}|${atom.name ?? ''}`;
      let r = missing.get(key);
      if (!r) {
        r =
          atom.url !== undefined
            ? { nonResourceURLs: [atom.url], verbs: [] }
            : { apiGroups: [atom.group!], resources: [atom.resource!], ...(atom.name !== undefined ? { resourceNames: [atom.name] } : {}), verbs: [] };
        missing.set(key, r);
      }
      if (!r.verbs.includes(atom.verb)) r.verbs.push(atom.verb);
    }
  }
  return [...missing.values()].sort((a, b) => compactString(a).localeCompare(compactString(b)));
}

const q = (l: string[]) => `[${l.map((s) => JSON.stringify(s)).join(' ')}]`;

/** upstream's CompactString of a PolicyRule: only the fields that are set */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${q(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${q(r.resources)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${q(r.resourceNames)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`);
  if (r.verbs?.length) parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

export function quotedList(l: string[]): string {
  return q(l);
}
