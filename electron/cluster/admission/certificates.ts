// certificates.k8s.io admission, as kube-apiserver's default plugins do it:
// - the requester's identity is recorded in spec.username/uid/groups/extra (upstream's CSR strategy);
// - CertificateApproval: approving or denying needs `approve` on the signer (signers/<signerName> or <domain>/*);
// - CertificateSigning: writing status.certificate needs `sign` on the signer;
// - CertificateSubjectRestriction: the kube-apiserver-client signer never signs for group system:masters.
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import type { Authorizer } from '../auth/authorizer';
import type { AdmissionAttributes, AdmissionPlugin } from './types';
import { admissionForbidden } from './forbidden';

const GROUP = 'certificates.k8s.io';
const isCsr = (a: AdmissionAttributes) => a.gvr.group === GROUP && a.gvr.resource === 'certificatesigningrequests' && !!a.object;

/** organisations (O=) of a base64 PEM CSR, or undefined when it does not parse (validation reports that) */
export function csrOrganizations(request: unknown): string[] | undefined {
  try {
    const pem = Buffer.from(String(request ?? ''), 'base64').toString('utf8');
    const csr = new Pkcs10CertificateRequest(pem);
    return csr.subjectName.getField('O');
  } catch {
    return undefined;
  }
}

function signerAllowed(authorizer: Authorizer, a: AdmissionAttributes, verb: string, signerName: string): boolean {
  const ask = (name: string) =>
    authorizer.authorize({ user: a.user, verb, resourceRequest: true, apiGroup: GROUP, resource: 'signers', name }).decision === 'allow';
  const slash = signerName.indexOf('/');
  return ask(signerName) || (slash > 0 && ask(`${signerName.slice(0, slash)}/*`));
}

const decisions = (o: AdmissionAttributes['object']) =>
  JSON.stringify((o?.status?.conditions ?? []).filter((c: { type?: string }) => c.type === 'Approved' || c.type === 'Denied'));

export function certificatePlugins(authorizer: () => Authorizer): AdmissionPlugin {
  return {
    name: 'CertificateApproval,CertificateSigning,CertificateSubjectRestriction',
    mutate(a) {
      if (!isCsr(a) || a.operation !== 'CREATE' || a.subresource) return;
      const spec = (a.object!.spec ??= {});
      spec.username = a.user.name;
      if (a.user.uid) spec.uid = a.user.uid;
      else delete spec.uid;
      spec.groups = [...a.user.groups];
      if (a.user.extra && Object.keys(a.user.extra).length) spec.extra = a.user.extra;
      else delete spec.extra;
    },
    validate(a) {
      if (!isCsr(a)) return;
      const signer: string = a.object!.spec?.signerName ?? '';
      if (
        a.operation === 'CREATE' &&
        !a.subresource &&
        signer === 'kubernetes.io/kube-apiserver-client' &&
        (csrOrganizations(a.object!.spec?.request) ?? []).includes('system:masters')
      ) {
        throw admissionForbidden(a, 'use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed');
      }
      if (a.operation !== 'UPDATE') return;
      if (a.subresource === 'approval' && decisions(a.object) !== decisions(a.oldObject) && !signerAllowed(authorizer(), a, 'approve', signer)) {
        throw admissionForbidden(a, `user not permitted to approve requests with signerName "${signer}"`);
      }
      if (
        a.subresource === 'status' &&
        (a.object!.status?.certificate ?? '') !== (a.oldObject?.status?.certificate ?? '') &&
        !signerAllowed(authorizer(), a, 'sign', signer)
      ) {
        throw admissionForbidden(a, `user not permitted to sign requests with signerName "${signer}"`);
      }
    },
  };
}
