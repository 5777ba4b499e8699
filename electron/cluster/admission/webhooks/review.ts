// admission.k8s.io/v1 AdmissionReview: the request the API server sends and what it accepts back.
import { randomUUID } from 'node:crypto';
import { StatusError, type Status } from '../../api/errors';
import type { KObject } from '../../api/types';
import type { AdmissionAttributes } from '../types';
import { requestOf } from '../matching';
import { CallError } from './call';

const OPTIONS: Record<string, string> = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: '' };

/** the object as it travels: with its apiVersion and kind */
function typed(o: KObject | undefined, a: AdmissionAttributes): KObject | null {
  if (!o) return null;
  const apiVersion = a.gvr.group ? `${a.gvr.group}/${a.gvr.version}` : a.gvr.version;
  return { ...o, apiVersion: o.apiVersion ?? apiVersion, kind: o.kind ?? a.kind };
}

export function reviewRequest(a: AdmissionAttributes): { uid: string; review: Record<string, unknown> } {
  const uid = randomUUID();
  const base = requestOf(a);
  const options = OPTIONS[a.operation] ? { kind: OPTIONS[a.operation], apiVersion: 'meta.k8s.io/v1', ...(a.dryRun ? { dryRun: ['All'] } : {}) } : undefined;
  const request: Record<string, unknown> = {
    uid,
    kind: base.kind,
    resource: base.resource,
    ...(a.subresource ? { subResource: a.subresource } : {}),
    requestKind: base.kind,
    requestResource: base.resource,
    ...(a.subresource ? { requestSubResource: a.subresource } : {}),
    ...(a.name ? { name: a.name } : {}),
    ...(a.namespace ? { namespace: a.namespace } : {}),
    operation: a.operation,
    userInfo: {
      username: a.user.name,
      ...(a.user.uid ? { uid: a.user.uid } : {}),
      groups: a.user.groups,
      ...(a.user.extra && Object.keys(a.user.extra).length ? { extra: a.user.extra } : {}),
    },
    object: a.operation === 'DELETE' ? null : typed(a.object, a),
    oldObject: typed(a.oldObject, a),
    dryRun: a.dryRun,
    options: options ?? null,
  };
  return { uid, review: { kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request } };
}

export interface ReviewResponse {
  allowed: boolean;
  /** the denial's Status (AdmissionResponse.Result, `status` on the wire) */
  status?: Partial<Status>;
  patch?: string;
  patchType?: string;
  warnings?: string[];
}

/** the answer's response after upstream's checks (kind, apiVersion, matching uid) */
export function reviewResponse(answer: unknown, uid: string): ReviewResponse {
  const r = (answer ?? {}) as { apiVersion?: string; kind?: string; response?: ReviewResponse & { uid?: string } };
  const invalid = (m: string) => new CallError(`received invalid webhook response: ${m}`);
  if (r.apiVersion !== 'admission.k8s.io/v1' || r.kind !== 'AdmissionReview') {
    const [g, v] = (r.apiVersion ?? '').includes('/') ? (r.apiVersion ?? '').split('/') : ['', r.apiVersion ?? ''];
    throw invalid(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${g}/${v}, Kind=${r.kind ?? ''}`);
  }
  if (!r.response) throw invalid('response was absent');
  if (r.response.uid !== uid) throw invalid(`expected response.uid="${uid}", got "${r.response.uid ?? ''}"`);
  return r.response;
}

/** upstream's ToStatusErr: the webhook's own Status, named and never below 400 */
export function denial(webhook: string, result: Partial<Status> | undefined): StatusError {
  const by = `admission webhook "${webhook}" denied the request`;
  const r = result ?? {};
  const message = r.message ? `${by}: ${r.message}` : r.reason ? `${by}: ${r.reason}` : `${by} without explanation`;
  // the field order of upstream's Status, which its encoder keeps
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: r.reason || undefined,
    details: r.details,
    code: r.code && r.code >= 400 ? r.code : 400,
  };
  if (!status.reason) delete status.reason;
  if (!status.details) delete status.details;
  return new StatusError(status);
}
