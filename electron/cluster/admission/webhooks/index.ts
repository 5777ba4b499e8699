// MutatingAdmissionWebhook and ValidatingAdmissionWebhook: the webhooks of the stored
// Mutating/ValidatingWebhookConfigurations (configurations in name order, webhooks in their order) whose rules,
// namespaceSelector, objectSelector and CEL matchConditions select a request get an AdmissionReview over HTTPS
// (call.ts). Mutating webhooks run one after another and may answer with a JSONPatch; one with reinvocationPolicy
// IfNeeded is called once more when a later webhook changed the object. Validating webhooks run in parallel after
// every mutation. A webhook that cannot be called fails the request (failurePolicy Fail, an InternalError in
// upstream's words) or is skipped (Ignore); a dry run refuses webhooks that may have side effects.
import type { LabelSelectorLike } from '../../api/selectors';
import { errInternal, statusError } from '../../api/errors';
import { deepEqual } from '../../api/object';
import { jsonPatch, JsonPatchError } from '../../api/patch';
import type { KObject } from '../../api/types';
import { CelAuthorizer } from '../../api/cel-authorizer';
import type { Authorizer } from '../../auth/authorizer';
import type { AdmissionAttributes, AdmissionLookup, AdmissionPlugin } from '../types';
import { celObjects, evaluateMatchConditions, namespaceSelected, objectSelected, requestOf, ruleMatches, type MatchRule } from '../matching';
import { admissionForbidden } from '../forbidden';
import { toCel } from '../../api/cel';
import { CallError, callWebhook, type ClientConfig, type WebhookDial } from './call';
import { denial, reviewRequest, reviewResponse, type ReviewResponse } from './review';

export interface WebhookDeps {
  /** connects to an address on the pod network as the control-plane node does */
  dial: WebhookDial;
  /** where webhooks that fail open are reported (kube-apiserver's log) */
  log?: (line: string) => void;
  /** what matchConditions' `authorizer` asks */
  authorizer?: () => Authorizer;
}

interface Webhook {
  name: string;
  clientConfig: ClientConfig;
  rules?: (MatchRule & { operations?: string[] })[];
  failurePolicy?: string;
  sideEffects?: string;
  timeoutSeconds?: number;
  namespaceSelector?: LabelSelectorLike;
  objectSelector?: LabelSelectorLike;
  matchConditions?: { name: string; expression: string }[];
  reinvocationPolicy?: string;
}

const GROUP = 'admissionregistration.k8s.io';
/** upstream never sends the admission configuration kinds to webhooks, so a broken webhook cannot lock itself in */
const EXEMPT = new Set([
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
]);

function webhooksOf(lookup: AdmissionLookup, resource: string): Webhook[] {
  const configs = lookup.list({ group: GROUP, version: 'v1', resource });
  return [...configs].sort((x, y) => (x.metadata.name! < y.metadata.name! ? -1 : 1)).flatMap((c) => (c.webhooks ?? []) as Webhook[]);
}

export function webhookPlugin(deps: WebhookDeps): AdmissionPlugin {
  const failed = (h: Webhook, err: Error): void => {
    if (h.failurePolicy === 'Ignore') {
      deps.log?.(`Failed calling webhook, failing open ${h.name}: failed calling webhook "${h.name}": ${err.message}`);
      return;
    }
    throw errInternal(`failed calling webhook "${h.name}": ${err.message}`);
  };

  /** whether the webhook wants this request: rules, selectors, then its match conditions */
  const selects = (h: Webhook, a: AdmissionAttributes, lookup: AdmissionLookup): boolean => {
    if (!(h.rules ?? []).some((r) => ruleMatches(r, a))) return false;
    if (!namespaceSelected(h.namespaceSelector, a, lookup) || !objectSelected(h.objectSelector, a)) return false;
    if (!h.matchConditions?.length) return true;
    const env = { ...celObjects(a), request: toCel(requestOf(a)), authorizer: deps.authorizer ? new CelAuthorizer(deps.authorizer(), a.user) : null };
    const selected = evaluateMatchConditions(h.matchConditions, env);
    if (selected.error === undefined) return selected.matches;
    // upstream refuses the request (Forbidden, not a failed call) unless the webhook fails open
    if (h.failurePolicy !== 'Ignore') throw admissionForbidden(a, selected.error);
    deps.log?.(`Failed evaluating match conditions, failing open ${h.name}: ${selected.error}`);
    return false;
  };

  /** one call; undefined when it failed open */
  const call = async (h: Webhook, a: AdmissionAttributes, lookup: AdmissionLookup): Promise<ReviewResponse | undefined> => {
    if (a.dryRun && h.sideEffects !== 'None' && h.sideEffects !== 'NoneOnDryRun')
      throw statusError(400, 'BadRequest', `admission webhook "${h.name}" does not support dry run`);
    const { uid, review } = reviewRequest(a);
    let res: ReviewResponse;
    try {
      res = reviewResponse(await callWebhook(h.clientConfig ?? {}, review, h.timeoutSeconds ?? 10, lookup, deps.dial), uid);
    } catch (err) {
      if (!(err instanceof CallError)) throw err;
      failed(h, err);
      return undefined;
    }
    for (const w of res.warnings ?? []) a.warn?.(w);
    if (!res.allowed) throw denial(h.name, res.status);
    return res;
  };

  /** a mutating webhook's turn; whether it changed the object */
  const mutateWith = async (h: Webhook, a: AdmissionAttributes, lookup: AdmissionLookup): Promise<boolean> => {
    if (!selects(h, a, lookup)) return false;
    const res = await call(h, a, lookup);
    if (!res?.patch || !a.object) return false;
    if (res.patchType !== 'JSONPatch') {
      failed(h, new CallError(`unsupported patch type "${res.patchType ?? ''}"`));
      return false;
    }
    let patched: KObject;
    try {
      const ops: unknown = JSON.parse(Buffer.from(res.patch, 'base64').toString());
      patched = jsonPatch(a.object, ops);
    } catch (err) {
      if (err instanceof JsonPatchError || err instanceof SyntaxError) throw errInternal(err.message);
      throw err;
    }
    if (deepEqual(patched, a.object)) return false;
    // the registry holds this object: the patched one replaces its content
    for (const k of Object.keys(a.object)) delete a.object[k];
    Object.assign(a.object, patched);
    return true;
  };

  const mutate = async (a: AdmissionAttributes, lookup: AdmissionLookup): Promise<void> => {
    if (a.gvr.group === GROUP && EXEMPT.has(a.gvr.resource)) return;
    const hooks = webhooksOf(lookup, 'mutatingwebhookconfigurations');
    if (!hooks.length) return;
    const ranIfNeeded: Webhook[] = [];
    const reinvoke = new Set<Webhook>();
    for (const h of hooks) {
      // a change makes every IfNeeded webhook that saw the object before it due for a second call
      if (await mutateWith(h, a, lookup)) for (const r of ranIfNeeded) reinvoke.add(r);
      if (h.reinvocationPolicy === 'IfNeeded') ranIfNeeded.push(h);
    }
    for (const h of hooks) if (reinvoke.has(h)) await mutateWith(h, a, lookup);
  };

  const validate = async (a: AdmissionAttributes, lookup: AdmissionLookup): Promise<void> => {
    if (a.gvr.group === GROUP && EXEMPT.has(a.gvr.resource)) return;
    // the registry admits a deletion in one phase: mutating webhooks see it first, as upstream's chain orders them
    if (a.operation === 'DELETE') await mutate(a, lookup);
    const hooks = webhooksOf(lookup, 'validatingwebhookconfigurations').filter((h) => selects(h, a, lookup));
    if (!hooks.length) return;
    const outcomes = await Promise.all(
      hooks.map((h) =>
        call(h, a, lookup).then(
          () => undefined,
          (err: unknown) => err,
        ),
      ),
    );
    const first = outcomes.find((e) => e !== undefined);
    if (first) throw first;
  };

  return { name: 'AdmissionWebhook', connect: true, mutate, validate };
}
