// The cluster's PKI, made on first start and kept in <data-dir>/pki: a CA, the API server's serving
// certificate for 127.0.0.1/localhost, and the admin client certificate kubectl uses (CN=kubernetes-admin, O=system:masters).
// ECDSA P-256 keeps first start fast (RSA key generation alone would cost most of the 1 s budget); the one RSA key,
// kubeadm's sa.key for ServiceAccount tokens (RS256), is made in the background while the rest of start runs.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto, randomBytes, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;

export interface KeyPair {
  certPem: string;
  keyPem: string;
}
export interface Pki {
  ca: KeyPair;
  server: KeyPair;
  admin: KeyPair;
  /**
   * the keys of ServiceAccount tokens (see serviceAccountKeys below); reading them before `serviceAccountReady`
   * settled throws
   */
  readonly serviceAccount: ServiceAccountKeys;
  /** settles once the service-account key is read or made: RSA key generation runs beside the rest of start */
  serviceAccountReady: Promise<ServiceAccountKeys>;
  /** whether `serviceAccount` can be read yet */
  readonly serviceAccountLoaded: boolean;
  /** issue a client certificate signed by the cluster CA (CSR API, per-user kubeconfigs) */
  signClientCert(subject: { cn: string; orgs?: string[] }, publicKeyPem?: string, days?: number): Promise<KeyPair>;
  /** sign a PEM CSR (certificates.k8s.io signers): valid for `seconds`, for client or server use */
  signCsr(csrPem: string, opts: { seconds: number; server?: boolean }): Promise<string>;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function dn(cn: string, orgs: string[] = []): string {
  const esc = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');
  return [`CN=${esc(cn)}`, ...orgs.map((o) => `O=${esc(o)}`)].join(', ');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKey(k: CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', k));
}

async function importPrivate(keyPem: string): Promise<CryptoKey> {
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
}

async function makeCa(cn = 'kubelab-ca'): Promise<KeyPair> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: dn(cn),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportKey(keys.privateKey) };
}

async function issue(
  ca: KeyPair,
  opts: {
    subject: string;
    publicKey: CryptoKey | x509.PublicKey;
    days: number;
    seconds?: number;
    backdateMs?: number;
    server?: { dns: string[]; ips: string[] };
  },
): Promise<string> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importPrivate(ca.keyPem);
  const now = Date.now();
  const notAfter = opts.seconds !== undefined ? new Date(now + opts.seconds * 1000) : new Date(now + opts.days * DAY);
  const eku = opts.server ? [x509.ExtendedKeyUsage.serverAuth] : [x509.ExtendedKeyUsage.clientAuth];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(eku, false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (opts.server) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...opts.server.dns.map((value) => ({ type: 'dns' as const, value })),
        ...opts.server.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: opts.subject,
    issuer: caCert.subject,
    notBefore: new Date(now - (opts.backdateMs ?? 60_000)),
    notAfter,
    signingAlgorithm: ALG,
    publicKey: opts.publicKey,
    signingKey: caKey,
    extensions,
  });
  return cert.toString('pem') + '\n';
}

async function makeLeaf(ca: KeyPair, subject: string, server?: { dns: string[]; ips: string[] }): Promise<KeyPair> {
  const keys = await newKeys();
  const certPem = await issue(ca, { subject, publicKey: keys.publicKey, days: 365, server });
  return { certPem, keyPem: await exportKey(keys.privateKey) };
}

function readPair(dir: string, name: string): KeyPair | undefined {
  const c = join(dir, `${name}.crt`),
    k = join(dir, `${name}.key`);
  if (!existsSync(c) || !existsSync(k)) return undefined;
  return { certPem: readFileSync(c, 'utf8'), keyPem: readFileSync(k, 'utf8') };
}
function writePair(dir: string, name: string, p: KeyPair): void {
  writeFileSync(join(dir, `${name}.crt`), p.certPem, { mode: 0o644 });
  writeFileSync(join(dir, `${name}.key`), p.keyPem, { mode: 0o600 });
}

/** Loads the PKI from dir, creating whatever is missing. */
export async function ensurePki(dir: string): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca = readPair(dir, 'ca');
  const fresh = !ca;
  if (!ca) {
    ca = await makeCa();
    writePair(dir, 'ca', ca);
  }
  const caPair = ca;
  const [server, admin] = await Promise.all([
    (!fresh && readPair(dir, 'apiserver')) ||
      makeLeaf(caPair, dn('kube-apiserver'), {
        dns: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
        ips: ['127.0.0.1', '10.96.0.1'],
      }).then((p) => {
        writePair(dir, 'apiserver', p);
        return p;
      }),
    (!fresh && readPair(dir, 'admin')) ||
      makeLeaf(caPair, dn('kubernetes-admin', ['system:masters'])).then((p) => {
        writePair(dir, 'admin', p);
        return p;
      }),
  ]);
  let sa: ServiceAccountKeys | undefined;
  const serviceAccountReady = serviceAccountKeys(dir, fresh).then((k) => (sa = k));
  // a failure surfaces where start awaits serviceAccountReady; until then it must not count as unhandled
  serviceAccountReady.catch(() => undefined);
  return {
    ca: caPair,
    server,
    admin,
    get serviceAccount(): ServiceAccountKeys {
      if (!sa) throw new Error('the service-account signing key is not loaded yet');
      return sa;
    },
    serviceAccountReady,
    get serviceAccountLoaded(): boolean {
      return !!sa;
    },
    async signClientCert(subject, publicKeyPem, days = 365) {
      if (publicKeyPem) {
        const spki = Buffer.from(publicKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
        const pub = await webcrypto.subtle.importKey('spki', spki, ALG, true, ['verify']);
        return { certPem: await issue(caPair, { subject: dn(subject.cn, subject.orgs), publicKey: pub, days }), keyPem: '' };
      }
      const keys = await newKeys();
      return {
        certPem: await issue(caPair, { subject: dn(subject.cn, subject.orgs), publicKey: keys.publicKey, days }),
        keyPem: await exportKey(keys.privateKey),
      };
    },
    async signCsr(csrPem, opts) {
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      const ok = await csr.verify();
      if (!ok) throw new Error('invalid certificate request: signature does not verify');
      const san = csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
      const server = opts.server
        ? {
            dns: san?.names.items.filter((n) => n.type === 'dns').map((n) => n.value) ?? [],
            ips: san?.names.items.filter((n) => n.type === 'ip').map((n) => n.value) ?? [],
          }
        : undefined;
      // upstream's signer backdates certificates by five minutes against clock skew
      return issue(caPair, { subject: csr.subject, publicKey: csr.publicKey, days: 0, seconds: opts.seconds, backdateMs: 5 * 60_000, server });
    },
  };
}

export interface ServiceAccountKeys {
  /** signs new tokens: RSA 2048 (RS256) like kubeadm's sa.key, or an older KubeLab's ECDSA key (ES256) */
  signing: KeyObject;
  /** verify tokens (--service-account-key-file): the signing key's public half first, then retired keys */
  verifying: KeyObject[];
}

/** the JWS algorithm a service-account key signs with */
export function serviceAccountAlg(key: KeyObject): 'RS256' | 'ES256' {
  return key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
}

const SA_KEY = 'sa.key';
const SA_PUB = 'sa.pub';
/** the ECDSA public key an older KubeLab signed tokens with: still verifies them (legacy Secret tokens never expire) */
const SA_RETIRED_PUB = 'sa-ecdsa.pub';

const rsaKeyPair = promisify(generateKeyPair);

/**
 * kubeadm's sa.key (PKCS#1 "RSA PRIVATE KEY") and sa.pub ("PUBLIC KEY") in `dir`, made when missing. A data dir an
 * older KubeLab made holds an ECDSA sa.key: a new RSA key takes its place and the old public key is kept so that the
 * tokens it signed still verify.
 */
async function serviceAccountKeys(dir: string, fresh: boolean): Promise<ServiceAccountKeys> {
  const keyFile = join(dir, SA_KEY);
  const retiredFile = join(dir, SA_RETIRED_PUB);
  const retired: KeyObject[] = [];
  if (!fresh && existsSync(keyFile)) {
    const key = createPrivateKey(readFileSync(keyFile, 'utf8'));
    if (key.asymmetricKeyType === 'rsa') {
      if (!existsSync(join(dir, SA_PUB))) writeFileSync(join(dir, SA_PUB), createPublicKey(key).export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
      if (existsSync(retiredFile)) retired.push(createPublicKey(readFileSync(retiredFile, 'utf8')));
      return { signing: key, verifying: [createPublicKey(key), ...retired] };
    }
    const old = createPublicKey(key);
    writeFileSync(retiredFile, old.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    retired.push(old);
  }
  const { privateKey, publicKey } = await rsaKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  // the public half first: a start interrupted between the two writes then makes a new pair rather than keep a
  // private key whose sa.pub is missing
  writeFileSync(join(dir, SA_PUB), publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  return { signing: privateKey, verifying: [publicKey, ...retired] };
}

/**
 * sa.key and sa.pub where kubeadm leaves them on a control-plane node (`pkiDir` is its /etc/kubernetes/pki), so
 * `cat /etc/kubernetes/pki/sa.pub` there shows the key tokens verify with.
 */
export function writeNodeServiceAccountKeys(pkiDir: string, keys: ServiceAccountKeys): void {
  mkdirSync(pkiDir, { recursive: true });
  const files: [string, string, number][] = [
    [SA_KEY, keys.signing.export({ type: keys.signing.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' }) as string, 0o600],
    [SA_PUB, keys.verifying[0].export({ type: 'spki', format: 'pem' }) as string, 0o644],
  ];
  for (const [name, text, mode] of files) {
    const f = join(pkiDir, name);
    if (existsSync(f) && readFileSync(f, 'utf8') === text) continue;
    writeFileSync(f, text, { mode });
  }
}

const RSA_ALG = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;

/**
 * a self-signed RSA serving certificate (not from the cluster CA): ingress-nginx's fake default certificate, test
 * fixtures. RSA like upstream's fake certificate, and because OpenSSL keeps an ECDSA default certificate even when
 * SNI selects an RSA one, so an ECDSA default would hide the RSA certificates students usually make.
 */
export async function selfSignedServerCert(opts: { cn: string; orgs?: string[]; dns: string[]; days: number }): Promise<KeyPair> {
  const keys = (await webcrypto.subtle.generateKey(RSA_ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: dn(opts.cn, opts.orgs),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + opts.days * DAY),
    signingAlgorithm: RSA_ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(opts.dns.map((value) => ({ type: 'dns' as const, value }))),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportKey(keys.privateKey) };
}

/** kubeadm's etcd certificates: where a control-plane node keeps them, relative to /etc/kubernetes/pki */
export const ETCD_PKI_FILES = ['etcd/ca', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client'] as const;

/**
 * The etcd PKI kubeadm writes on a control-plane node (its own CA, etcd-ca, separate from the cluster's), in
 * `pkiDir` laid out like /etc/kubernetes/pki; made once and kept. Returns the etcd CA.
 */
export async function ensureEtcdPki(pkiDir: string, node: { name: string; ip: string }): Promise<KeyPair> {
  const etcdDir = join(pkiDir, 'etcd');
  mkdirSync(etcdDir, { recursive: true });
  let ca = readPair(etcdDir, 'ca');
  if (ca && ETCD_PKI_FILES.every((f) => existsSync(join(pkiDir, `${f}.crt`)))) return ca;
  ca = await makeCa('etcd-ca');
  writePair(etcdDir, 'ca', ca);
  const serving = { dns: ['localhost', node.name], ips: ['127.0.0.1', node.ip, '::1'] };
  const [server, peer, health, apiserver] = await Promise.all([
    makeLeaf(ca, dn(node.name), serving),
    makeLeaf(ca, dn(node.name), serving),
    makeLeaf(ca, dn('kube-etcd-healthcheck-client')),
    makeLeaf(ca, dn('kube-apiserver-etcd-client')),
  ]);
  writePair(etcdDir, 'server', server);
  writePair(etcdDir, 'peer', peer);
  writePair(etcdDir, 'healthcheck-client', health);
  writePair(pkiDir, 'apiserver-etcd-client', apiserver);
  return ca;
}

/** whether `certPem` is signed by the CA `caPem` (its signature verifies with the CA's key) */
export async function signedBy(certPem: string, caPem: string): Promise<boolean> {
  try {
    const cert = new x509.X509Certificate(certPem);
    const ca = new x509.X509Certificate(caPem);
    return cert.issuer === ca.subject && (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }));
  } catch {
    // text that does not parse as a certificate is signed by no one: the handshake refuses it like a foreign one
    return false;
  }
}
