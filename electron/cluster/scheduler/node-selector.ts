// nodeSelector and NodeSelectorTerms (required/preferred node affinity) evaluated against a node.
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1';
import type { Node } from './types';

// Gt/Lt compare integers; a value that is not an integer never matches (upstream parses with ParseInt).
function asInt(s: string | undefined): number | undefined {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined;
  return Number(s);
}

function requirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && vals.includes(v);
    case 'NotIn':
      return !has || !vals.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || vals.length !== 1) return false;
      const a = asInt(v);
      const b = asInt(vals[0]);
      if (a === undefined || b === undefined) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

function fieldMatches(r: NodeSelectorRequirement, node: Node): boolean {
  // only metadata.name is a supported field
  if (r.key !== 'metadata.name') return false;
  const name = node.metadata?.name ?? '';
  const vals = r.values ?? [];
  if (r.operator === 'In') return vals.length === 1 && vals[0] === name;
  if (r.operator === 'NotIn') return vals.length === 1 && vals[0] !== name;
  return false;
}

/** A term with no requirements matches nothing; within a term everything must hold. */
export function termMatchesNode(t: NodeSelectorTerm, node: Node): boolean {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = (node.metadata?.labels ?? {}) as Record<string, string>;
  return exprs.every((r) => requirementMatches(r, labels)) && fields.every((r) => fieldMatches(r, node));
}

/** Terms are ORed. */
export const anyTermMatches = (terms: NodeSelectorTerm[], node: Node): boolean => terms.some((t) => termMatchesNode(t, node));

/** nodeSelector AND required node affinity, as NodeAffinity's Filter (and spread's nodeAffinityPolicy) apply them. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const sel = pod.spec?.nodeSelector;
  if (sel) {
    const labels = (node.metadata?.labels ?? {}) as Record<string, string>;
    for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) return false;
  }
  const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) return anyTermMatches(req.nodeSelectorTerms ?? [], node);
  return true;
}
