// The csrsigning controller: signs approved CertificateSigningRequests for the built-in signers with the cluster CA.
// kube-apiserver-client: any subject, client usages only; kube-apiserver-client-kubelet and kubelet-serving: only
// system:node:<name> in O=system:nodes. kubernetes.io/legacy-unknown and other signers are never signed here.
// A request the signer refuses gets a Failed condition, as upstream.
import { Pkcs10CertificateRequest, SubjectAlternativeNameExtension } from '@peculiar/x509';
import type { CertificateSigningRequest } from 'kubernetes-types/certificates/v1';
import type { Client, InformerFactory } from '../../client/types';
import type { KObject } from '../../api/types';
import type { Pki } from '../../auth/pki';
import { R } from '../../client/resources';
import { isStatus } from '../../client/errors';
import { WorkQueue } from '../workqueue';

/** --cluster-signing-duration's default: one year */
const MAX_SECONDS = 365 * 24 * 3600;
const MIN_SECONDS = 600;

const CLIENT_USAGES = ['digital signature', 'key encipherment', 'client auth'];
const SERVING_USAGES = ['digital signature', 'key encipherment', 'server auth'];

function usageProblem(usages: string[], allowed: string[], required: string, what: string): string | undefined {
  const bad = usages.filter((u) => !allowed.includes(u));
  if (bad.length) return `invalid usage for ${what} certificate: ${bad[0]}`;
  if (!usages.includes(required)) return `missing required usage for ${what} certificate: ${required}`;
  return undefined;
}

/** why the signer refuses this request, or undefined; signer names other than the built-in signable ones return null */
export function signerProblem(csr: CertificateSigningRequest, parsed: Pkcs10CertificateRequest): string | undefined | null {
  const usages = csr.spec.usages ?? [];
  const signer = csr.spec.signerName;
  if (signer === 'kubernetes.io/kube-apiserver-client') return usageProblem(usages, CLIENT_USAGES, 'client auth', 'client');
  if (signer !== 'kubernetes.io/kube-apiserver-client-kubelet' && signer !== 'kubernetes.io/kubelet-serving') return null;
  const orgs = parsed.subjectName.getField('O');
  const cn = parsed.subjectName.getField('CN')[0] ?? '';
  if (orgs.length !== 1 || orgs[0] !== 'system:nodes') return 'subject organization is not system:nodes';
  if (!cn.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  const san = parsed.extensions.find((e): e is SubjectAlternativeNameExtension => e instanceof SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  if (signer === 'kubernetes.io/kube-apiserver-client-kubelet') {
    if (names.length) return 'DNS, email, and IP subjectAltNames are not allowed';
    return usageProblem(usages, CLIENT_USAGES, 'client auth', 'client');
  }
  if (!names.some((n) => n.type === 'dns' || n.type === 'ip')) return 'DNS or IP subjectAltName is required';
  if (names.some((n) => n.type !== 'dns' && n.type !== 'ip')) return 'email and URI subjectAltNames are not allowed';
  return usageProblem(usages, SERVING_USAGES, 'server auth', 'serving');
}

function hasCondition(csr: CertificateSigningRequest, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status !== 'False');
}

export function startCsrSigningController(client: Client, informers: InformerFactory, pki: Pki): { stop(): void } {
  const inf = informers.informer<KObject>(R.certificatesigningrequests);
  const queue = new WorkQueue(
    async (name) => {
      const csr = inf.getByName(undefined, name) as unknown as CertificateSigningRequest | undefined;
      if (!csr || csr.status?.certificate || !hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied') || hasCondition(csr, 'Failed')) return;
      const pem = Buffer.from(csr.spec.request, 'base64').toString('utf8');
      let status: CertificateSigningRequest['status'];
      try {
        const parsed = new Pkcs10CertificateRequest(pem);
        const problem = signerProblem(csr, parsed);
        if (problem === null) return;
        if (problem) {
          const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          status = {
            ...csr.status,
            conditions: [
              ...(csr.status?.conditions ?? []),
              { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: problem, lastUpdateTime: now, lastTransitionTime: now },
            ],
          };
        } else {
          const seconds = Math.max(MIN_SECONDS, Math.min(csr.spec.expirationSeconds ?? MAX_SECONDS, MAX_SECONDS));
          const cert = await pki.signCsr(pem, { seconds, server: csr.spec.signerName === 'kubernetes.io/kubelet-serving' });
          status = { ...csr.status, certificate: Buffer.from(cert).toString('base64') };
        }
      } catch (err) {
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        status = {
          ...csr.status,
          conditions: [
            ...(csr.status?.conditions ?? []),
            {
              type: 'Failed',
              status: 'True',
              reason: 'SignerValidationFailure',
              message: (err as Error).message,
              lastUpdateTime: now,
              lastTransitionTime: now,
            },
          ],
        };
      }
      try {
        await client.updateStatus(R.certificatesigningrequests, undefined, { ...(csr as unknown as KObject), status });
      } catch (err) {
        // a newer version comes back through the informer
        if (isStatus(err, 409, 404)) return;
        throw err;
      }
    },
    { workers: 1, name: 'csrsigning' },
  );
  inf.onAdd((o) => queue.add(o.metadata.name!));
  inf.onUpdate((_a, o) => queue.add(o.metadata.name!));
  return { stop: () => queue.stop() };
}
