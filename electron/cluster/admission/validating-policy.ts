// ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1): for every binding, its policy's matchConstraints and
// the binding's matchResources select requests; matchConditions and validations are CEL expressions over object,
// oldObject, request, namespaceObject and variables (evaluated with @marcbachmann/cel-js; JSON integers become CEL
// ints). A policy with a paramKind is evaluated once per parameter object its binding's paramRef selects (by name or
// label selector, in paramRef.namespace or the request's namespace). A failed validation denies (Deny), warns (Warn)
// or is recorded in the request's audit event (Audit: the validation_failure annotation), in upstream's words. Not supported yet:
// auditAnnotations, type checking. The CEL environment (with the Kubernetes library functions there are) is api/cel.ts.
import { compileCel, toCel } from '../api/cel';
import { qualifiedResource, statusError, type StatusError } from '../api/errors';
import { labelSelectorMatches as selectorMatches, type LabelSelectorLike } from '../api/selectors';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from './types';
import type { GVR, KObject } from '../api/types';
import { admissionName } from './forbidden';
import { goGVK } from '../api/kinds/go-format';
import type { Authorizer } from '../auth/authorizer';
import { CelAuthorizer } from '../api/cel-authorizer';
import { celObjects, evaluateMatchConditions, namespaceSelected, objectSelected, requestOf, ruleMatches, type MatchRule } from './matching';

const GROUP = 'admissionregistration.k8s.io';
const gvr = (resource: string) => ({ group: GROUP, version: 'v1', resource });

const cel = compileCel;

interface Match {
  resourceRules?: MatchRule[];
  excludeResourceRules?: MatchRule[];
  namespaceSelector?: LabelSelectorLike;
  objectSelector?: LabelSelectorLike;
}

function matches(m: Match | undefined, a: AdmissionAttributes, lookup: AdmissionLookup): boolean {
  if (!m) return true;
  if (m.resourceRules && !m.resourceRules.some((r) => ruleMatches(r, a))) return false;
  if (m.excludeResourceRules?.some((r) => ruleMatches(r, a))) return false;
  return namespaceSelected(m.namespaceSelector, a, lookup) && objectSelected(m.objectSelector, a);
}

function denial(a: AdmissionAttributes, reason: string | undefined, text: string): StatusError {
  const resource = qualifiedResource(a.gvr.group, a.gvr.resource);
  const name = admissionName(a);
  const details = { name, group: a.gvr.group || undefined, kind: a.gvr.resource };
  if (reason === 'Forbidden') return statusError(403, 'Forbidden', `${resource} "${name}" is forbidden: ${text}`, details);
  if (reason === 'Unauthorized') return statusError(401, 'Unauthorized', text, details);
  if (reason === 'RequestEntityTooLarge') return statusError(413, 'RequestEntityTooLarge', text, details);
  return statusError(422, 'Invalid', `${resource} "${name}" is invalid: : ${text}`, { ...details, causes: [{ message: text, field: '' }] } as never);
}

/** what a paramKind names: its resource and scope (from the served kinds, CRDs included) */
export type ResolveKind = (apiVersion: string, kind: string) => { gvr: GVR; namespaced: boolean } | undefined;

interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelectorLike;
  parameterNotFoundAction?: string;
}

/** the objects a binding hands its policy as `params` ([null] when the policy takes none), or why it cannot */
function paramsFor(
  paramKind: { apiVersion?: string; kind?: string } | undefined,
  ref: ParamRef | undefined,
  a: AdmissionAttributes,
  lookup: AdmissionLookup,
  resolve: ResolveKind | undefined,
): (KObject | null)[] | string {
  if (!paramKind) return [null];
  const k = resolve?.(paramKind.apiVersion ?? '', paramKind.kind ?? '');
  if (!k) return `paramKind kind \`${goGVK(paramKind.apiVersion ?? '', paramKind.kind ?? '')}\` not known`;
  // a binding that does not use the policy's params validates with none
  if (!ref) return [null];
  let ns: string | undefined;
  if (k.namespaced) {
    ns = ref.namespace || a.namespace;
    if (!ns) return 'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources';
  } else if (ref.namespace) return 'paramRef.namespace must not be provided for a cluster-scoped `paramKind`';
  let params: KObject[];
  if (ref.name) {
    const one = lookup.get(k.gvr, ns, ref.name);
    params = one ? [one] : [];
  } else if (ref.selector) params = lookup.list(k.gvr, ns).filter((o) => selectorMatches(ref.selector!, o.metadata.labels));
  else return 'one of name or selector must be provided';
  if (!params.length && ref.parameterNotFoundAction === 'Deny') return 'no params found for policy binding with `Deny` parameterNotFoundAction';
  return params;
}

export function validatingAdmissionPolicyPlugin(resolveKind?: ResolveKind, authorizer?: () => Authorizer): AdmissionPlugin {
  return {
    name: 'ValidatingAdmissionPolicy',
    connect: true,
    validate: (a, lookup) => validate(a, lookup, resolveKind, authorizer),
  };
}

/** without a kind resolver (unit tests), paramKinds are unknown */
export const validatingAdmissionPolicy: AdmissionPlugin = validatingAdmissionPolicyPlugin();

function validate(a: AdmissionAttributes, lookup: AdmissionLookup, resolveKind: ResolveKind | undefined, authorizer?: () => Authorizer): void {
  // policies never apply to their own kinds, so a bad policy cannot lock itself in
  if (a.gvr.group === GROUP || (a.operation !== 'CREATE' && a.operation !== 'UPDATE' && a.operation !== 'DELETE' && a.operation !== 'CONNECT')) return;
  const bindings = lookup.list(gvr('validatingadmissionpolicybindings'));
  if (!bindings.length) return;
  let ctx: Record<string, unknown> | undefined;
  /** every Audit failure of this request, as one annotation */
  const audited: Record<string, unknown>[] = [];
  for (const b of bindings) {
    const policy = lookup.get(gvr('validatingadmissionpolicies'), undefined, b.spec?.policyName ?? '');
    if (!policy) continue;
    const spec = policy.spec ?? {};
    if (!matches(spec.matchConstraints, a, lookup) || !matches(b.spec?.matchResources, a, lookup)) continue;
    const who = `ValidatingAdmissionPolicy '${policy.metadata.name}' with binding '${b.metadata.name}'`;
    const actions: string[] = b.spec?.validationActions ?? [];
    const failClosed = (spec.failurePolicy ?? 'Fail') === 'Fail';
    ctx ??= {
      ...celObjects(a),
      request: toCel(requestOf(a)),
      namespaceObject: toCel(a.namespace ? (lookup.get({ group: '', version: 'v1', resource: 'namespaces' }, undefined, a.namespace) ?? null) : null),
      params: null,
      // the authorizer library asks about the requesting user (null without an authorizer, as in unit tests)
      authorizer: authorizer ? new CelAuthorizer(authorizer(), a.user) : null,
    };
    const report = (text: string, reason?: string, index?: number) => {
      if (actions.includes('Audit')) {
        audited.push({ message: text, policy: policy.metadata.name, binding: b.metadata.name, expressionIndex: index ?? 0, validationActions: actions });
        a.annotate?.('validation.policy.admission.k8s.io/validation_failure', JSON.stringify(audited));
      }
      if (actions.includes('Deny')) throw denial(a, reason, `${who} denied request: ${text}`);
      if (actions.includes('Warn')) a.warn?.(`Validation failed for ${who}: ${text}`);
    };
    const params = paramsFor(spec.paramKind, b.spec?.paramRef, a, lookup, resolveKind);
    if (typeof params === 'string') {
      if (failClosed) report(`failed to configure binding: ${params}`);
      continue;
    }
    for (const param of params) evaluate(spec, { ...ctx, params: toCel(param) }, a, report, failClosed, who);
  }
}

type Report = (text: string, reason?: string, expressionIndex?: number) => void;

/** one policy's variables, match conditions and validations against one set of params */
function evaluate(spec: any, base: Record<string, unknown>, a: AdmissionAttributes, report: Report, failClosed: boolean, who: string): void {
  const variables: Record<string, unknown> = {};
  const env = { ...base, variables };
  try {
    for (const v of (spec.variables ?? []) as { name: string; expression: string }[]) variables[v.name] = cel(v.expression)(env);
  } catch (err) {
    if (failClosed) report(`expression '${(err as { expr?: string }).expr ?? 'variables'}' resulted in error: ${(err as Error).message}`);
    return;
  }
  const selected = evaluateMatchConditions(spec.matchConditions ?? [], env);
  if (selected.error !== undefined && failClosed) report(selected.error);
  if (!selected.matches) return;
  for (const [i, v] of ((spec.validations ?? []) as { expression: string; message?: string; messageExpression?: string; reason?: string }[]).entries()) {
    let ok: unknown;
    try {
      ok = cel(v.expression)(env);
    } catch (err) {
      if (failClosed) report(`expression '${v.expression}' resulted in error: ${(err as Error).message}`, v.reason, i);
      continue;
    }
    if (ok === true) continue;
    let text = v.message || `failed expression: ${v.expression}`;
    if (v.messageExpression) {
      try {
        const m = cel(v.messageExpression)(env);
        if (typeof m === 'string' && m.trim() && !m.includes('\n')) text = m;
      } catch (err) {
        // upstream falls back to the static message when messageExpression fails
        a.warn?.(`${who}: messageExpression '${v.messageExpression}' failed: ${(err as Error).message}`);
      }
    }
    report(text, v.reason, i);
  }
}
