// certificates.k8s.io/v1 CertificateSigningRequest (cluster-scoped) with status and approval subresources.
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import type { FieldError } from '../../errors';
import { duplicate, invalid, notSupported, required } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { humanDuration } from '../core/age';
import { goBytes, goInvalid } from '../go-format';
import { age, ageCol, col, nameCol } from '../strategy-helpers';
import { isDNS1123Subdomain } from '../../validation/names';

export const KNOWN_USAGES = [
  'any',
  'cert sign',
  'client auth',
  'code signing',
  'content commitment',
  'crl sign',
  'data encipherment',
  'decipher only',
  'digital signature',
  'email protection',
  'encipher only',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'key agreement',
  'key encipherment',
  'microsoft sgc',
  'netscape sgc',
  'ocsp signing',
  's/mime',
  'server auth',
  'signing',
  'timestamping',
];

/** Why the PEM in spec.request is not a usable CSR (upstream's ParseCSR messages), or undefined. */
export function csrRequestProblem(pem: string): string | undefined {
  const m = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) return 'PEM block type must be CERTIFICATE REQUEST';
  if (m[1] !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  try {
    new Pkcs10CertificateRequest(m[0]);
    return undefined;
  } catch (e) {
    return `asn1: structure error: ${(e as Error).message}`;
  }
}

function validateSignerName(name: string, path: string): FieldError[] {
  if (!name) return [required(path, '')];
  const slash = name.indexOf('/');
  if (slash < 0) return [invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const domain = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  if (!rest) return [invalid(path, name, 'validating path: path must not be empty')];
  return isDNS1123Subdomain(domain).map((m) => invalid(path, name, `validating domain: ${m}`));
}

function decodeRequest(req: unknown): { pem: string; bytes: Uint8Array } {
  const bytes = typeof req === 'string' ? Buffer.from(req, 'base64') : Buffer.alloc(0);
  return { pem: bytes.toString('utf8'), bytes };
}

function validateCsr(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  const { pem, bytes } = decodeRequest(spec.request);
  const problem = csrRequestProblem(pem);
  if (problem) errs.push(goInvalid('spec.request', goBytes(bytes), problem));
  const usages: string[] = spec.usages ?? [];
  if (!usages.length) errs.push(required('spec.usages', ''));
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!KNOWN_USAGES.includes(u)) errs.push(notSupported(`spec.usages[${i}]`, u, KNOWN_USAGES));
    if (seen.has(u)) errs.push(duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  if (spec.signerName === 'kubernetes.io/legacy-unknown') {
    errs.push(invalid('spec.signerName', spec.signerName, 'the legacy signerName is not allowed via this API version'));
  } else {
    errs.push(...validateSignerName(spec.signerName ?? '', 'spec.signerName'));
  }
  if (spec.expirationSeconds != null && spec.expirationSeconds < 600) {
    errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  return errs;
}

/** upstream's condition checks on the approval subresource */
function validateApproval(obj: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const conds: any[] = obj.status?.conditions ?? [];
  const has = (l: any[], t: string) => l.some((c) => c.type === t && c.status === 'True');
  if (has(conds, 'Approved') && has(conds, 'Denied'))
    errs.push(invalid('status.conditions', 'Denied', 'Approved and Denied conditions are mutually exclusive'));
  conds.forEach((c, i) => {
    if (!c.status) errs.push(required(`status.conditions[${i}].status`, ''));
  });
  const oldConds: any[] = old.status?.conditions ?? [];
  for (const t of ['Approved', 'Denied']) {
    if (has(oldConds, t) && !has(conds, t))
      errs.push({ type: 'FieldValueForbidden', field: 'status.conditions', detail: `updates may not remove a condition of type "${t}"` });
  }
  return errs;
}

/** Pending / Approved / Denied, plus ",Failed" and ",Issued" (upstream's extractCSRStatus). */
export function csrCondition(obj: KObject): string {
  const types = new Set((obj.status?.conditions ?? []).map((c: any) => c.type));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (obj.status?.certificate) s += ',Issued';
  return s;
}

/** Mirrors client-go's ExpirationSecondsToDuration: seconds as a duration. */
const requestedDuration = (secs: number | undefined): string => (secs == null ? '<none>' : humanDuration(secs * 1000));

export const certificateSigningRequestStrategy: KindStrategy = {
  info: {
    group: 'certificates.k8s.io',
    version: 'v1',
    kind: 'CertificateSigningRequest',
    resource: 'certificatesigningrequests',
    singular: 'certificatesigningrequest',
    namespaced: false,
    shortNames: ['csr'],
    storagePrefix: 'certificatesigningrequests',
    subresources: { status: true, other: ['approval'] },
  },
  // spec.username/uid/groups/extra are the requester's identity: the API server fills them from the request user.
  prepareForCreate: (obj) => {
    obj.status = {};
  },
  // the main resource can change metadata only; spec is fixed at creation and status has its own subresources
  prepareForUpdate: (obj, old) => {
    obj.spec = old.spec;
    if (old.status === undefined) delete obj.status;
    else obj.status = old.status;
  },
  prepareForStatusUpdate: (obj, old) => {
    obj.spec = old.spec;
  },
  validate: validateCsr,
  validateStatusUpdate: (obj, old) => {
    // Approved/Denied may only change through the approval subresource
    const decided = (o: KObject) => JSON.stringify((o.status?.conditions ?? []).filter((c: any) => c.type === 'Approved' || c.type === 'Denied'));
    return decided(obj) === decided(old)
      ? []
      : [{ type: 'FieldValueForbidden', field: 'status.conditions', detail: 'updates may not add or remove Approved or Denied conditions' }];
  },
  subresourceUpdate: {
    // approval changes only the Approved/Denied conditions; spec, the certificate and other conditions stay
    approval: {
      prepare: (obj, old) => {
        obj.spec = old.spec;
        const decided = (obj.status?.conditions ?? []).filter((c: any) => c.type === 'Approved' || c.type === 'Denied');
        const others = (old.status?.conditions ?? []).filter((c: any) => c.type !== 'Approved' && c.type !== 'Denied');
        obj.status = { ...(old.status ?? {}), conditions: [...decided, ...others] };
        if (!obj.status.conditions.length) delete obj.status.conditions;
      },
      validate: validateApproval,
    },
  },
  table: {
    columns: [
      nameCol,
      ageCol,
      col('SignerName', 'string', 'Requested signer for the request. It is a qualified name in the form: `scope-hostname.io/name`.'),
      col('Requestor', 'string', 'Base64-encoded PKCS#10 CSR data'),
      col('RequestedDuration', 'string', 'expirationSeconds is the requested duration of validity of the issued certificate.'),
      col('Condition', 'string', 'Conditions applied to the request, such as approval or denial.'),
    ],
    row: (obj, now) => [
      obj.metadata.name,
      age(obj, now),
      obj.spec?.signerName || '<none>',
      obj.spec?.username ?? '',
      requestedDuration(obj.spec?.expirationSeconds),
      csrCondition(obj),
    ],
  },
};
