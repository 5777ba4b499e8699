// serviceaccounts/{name}/token (TokenRequest, authentication.k8s.io/v1): issues a bound ServiceAccount token,
// as upstream's TokenREST does; `kubectl create token` and the kubelet's projected volumes use it.
import { errBadRequest, errConflict, errInvalid, errNotFound, invalid, statusError, type FieldError } from '../../api/errors';
import type { KObject } from '../../api/types';
import type { Pki } from '../../auth/pki';
import { API_AUDIENCES, signServiceAccountToken, type ObjectRef } from '../../auth/serviceaccount-token';
import { R } from '../../client/resources';
import type { SpecialHandler } from '../handler';
import { nowRfc3339 } from '../meta';

const DEFAULT_EXPIRATION_S = 3600;
const MIN_EXPIRATION_S = 600;
const MAX_EXPIRATION_S = 2 ** 32;
/** the kubelet asks for this odd lifetime; such pod-bound tokens stay valid a year and only warn after it (upstream's safe transition) */
const WARN_ONLY_EXPIRATION_S = 3607;
const EXTENDED_EXPIRATION_S = 365 * 24 * 3600;

export function tokenRequestHandler(pki: Pki): SpecialHandler {
  return async ({ req, info, server }) => {
    if (info.verb !== 'create') throw statusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const ns = info.namespace;
    const name = info.name!;
    if (!ns) throw errBadRequest('namespace is required');
    const tr = server.decodeAny(req);
    tr.metadata ??= {};
    if (tr.metadata.name && tr.metadata.name !== name) {
      throw errInvalid('authentication.k8s.io', 'TokenRequest', name, [
        invalid('metadata.name', tr.metadata.name, 'must match the service account name if specified'),
      ]);
    }
    if (tr.metadata.namespace && tr.metadata.namespace !== ns) {
      throw errInvalid('authentication.k8s.io', 'TokenRequest', name, [
        invalid('metadata.namespace', tr.metadata.namespace, 'must match the service account namespace if specified'),
      ]);
    }
    // read-only lookups: the shared parse, not a copy per token (a rollout asks for one token per pod)
    const get = (r: typeof R.pods, namespace: string | undefined, n: string): KObject | undefined => {
      const e = server.catalog.get(r.group, r.version, r.resource);
      return e ? server.registry.getShared(e, namespace, n) : undefined;
    };
    const sa = get(R.serviceaccounts, ns, name);
    if (!sa) throw errNotFound('', 'serviceaccounts', name);

    const spec = (tr.spec ??= {});
    if (!Array.isArray(spec.audiences) || !spec.audiences.length) spec.audiences = [...API_AUDIENCES];
    spec.expirationSeconds ??= DEFAULT_EXPIRATION_S;
    spec.boundObjectRef ??= null;
    const now = new Date();
    const errs: FieldError[] = [];
    if (typeof spec.expirationSeconds !== 'number' || spec.expirationSeconds < MIN_EXPIRATION_S) {
      errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 10 minutes'));
    } else if (spec.expirationSeconds > MAX_EXPIRATION_S) {
      errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
    }
    if (errs.length) throw errInvalid('authentication.k8s.io', 'TokenRequest', '', errs);

    let pod: ObjectRef | undefined, node: ObjectRef | undefined, secret: ObjectRef | undefined;
    const ref = spec.boundObjectRef;
    if (ref) {
      const group = typeof ref.apiVersion === 'string' && ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
      let uid: string | undefined;
      if (group === '' && ref.kind === 'Pod') {
        const p = get(R.pods, ns, ref.name);
        if (!p) throw errNotFound('', 'pods', ref.name);
        if (p.spec?.serviceAccountName !== name)
          throw errBadRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
        uid = p.metadata.uid;
        pod = { name: p.metadata.name!, uid: uid! };
        const nodeName: string | undefined = p.spec?.nodeName;
        if (nodeName) {
          const n = get(R.nodes, undefined, nodeName);
          if (n) node = { name: nodeName, uid: n.metadata.uid! };
        }
      } else if (group === '' && ref.kind === 'Secret') {
        const s = get(R.secrets, ns, ref.name);
        if (!s) throw errNotFound('', 'secrets', ref.name);
        uid = s.metadata.uid;
        secret = { name: s.metadata.name!, uid: uid! };
      } else if (group === '' && ref.kind === 'Node') {
        const n = get(R.nodes, undefined, ref.name);
        if (!n) throw errNotFound('', 'nodes', ref.name);
        uid = n.metadata.uid;
        node = { name: n.metadata.name!, uid: uid! };
      } else {
        throw errBadRequest(`cannot bind token for object of kind ${ref.kind}`);
      }
      if (ref.uid && ref.uid !== uid) {
        throw errConflict(
          group,
          ref.kind,
          ref.name,
          `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
        );
      }
    }

    const extend = !!pod && spec.expirationSeconds === WARN_ONLY_EXPIRATION_S && spec.audiences.every((a: string) => API_AUDIENCES.includes(a));
    // a request that arrives while start still makes the key waits for it
    await pki.serviceAccountReady;
    const { token } = signServiceAccountToken(pki, {
      namespace: ns,
      serviceAccount: { name, uid: sa.metadata.uid! },
      audiences: spec.audiences,
      expirationSeconds: extend ? EXTENDED_EXPIRATION_S : spec.expirationSeconds,
      warnAfterSeconds: extend ? spec.expirationSeconds : undefined,
      pod,
      node,
      secret,
      now,
    });
    const body = {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace: ns, creationTimestamp: nowRfc3339(now) },
      spec,
      status: { token, expirationTimestamp: nowRfc3339(new Date(now.getTime() + spec.expirationSeconds * 1000)) },
    };
    return { kind: 'json', status: 201, body };
  };
}
