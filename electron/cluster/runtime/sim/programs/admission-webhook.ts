// Admission webhook servers: HTTPS on a port of the pod with the certificate and key files the student made
// (openssl in a pod, mounted from a tls Secret), answering admission.k8s.io/v1 AdmissionReviews.
// - `agnhost webhook`: upstream's e2e test server (its /always-deny, /always-allow-delay-5s, /add-label, /pods/attach,
//   /readyz).
// - `admission-webhook` (docker.io/kubelab/admission-webhook): a small configurable one for labs —
//   /validate denies objects without the label `--require-label` (env REQUIRE_LABEL) names,
//   /mutate adds the label `--add-label KEY=VALUE` (env ADD_LABEL) with a JSONPatch.
import * as tls from 'node:tls';
import { interruptibleSleep } from '../process';
import { serveHttp, type HttpResponse } from './http';
import { goFlag } from './server-kit';
import { waitForAbort, type Program, type ProgramContext } from './types';

interface Review {
  apiVersion?: string;
  kind?: string;
  request?: {
    uid?: string;
    kind?: { kind?: string };
    namespace?: string;
    name?: string;
    operation?: string;
    resource?: { group?: string; version?: string; resource?: string };
    subResource?: string;
    object?: { metadata?: { name?: string; generateName?: string; labels?: Record<string, string> }; kind?: string; stdin?: boolean; container?: string };
  };
}
type Answer = { allowed: boolean; status?: { message: string; code?: number; reason?: string }; patch?: unknown[]; warnings?: string[] };
type Admit = (review: Review) => Answer | Promise<Answer>;

const klogTime = () => {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000`;
};

const json = (o: unknown): HttpResponse => ({ status: 200, body: JSON.stringify(o), headers: { 'Content-Type': 'application/json' } });

/** serves the paths over TLS until the program stops; 1 when the key pair cannot be loaded, as klog.Fatal exits */
async function serveReviews(ctx: ProgramContext, port: number, certFile: string, keyFile: string, paths: Record<string, Admit>): Promise<number> {
  let secureContext: tls.SecureContext;
  try {
    const [cert, key] = [await ctx.fs.readFile(certFile), await ctx.fs.readFile(keyFile)];
    secureContext = tls.createSecureContext({ cert, key });
  } catch (e) {
    const why = (e as { code?: string }).code === 'ENOENT' ? `open ${certFile}: no such file or directory` : `tls: ${(e as Error).message}`;
    ctx.err(`F${klogTime()}       1 config.go:36] ${why}\n`);
    return 255;
  }
  const handle = async (method: string, path: string, contentType: string | undefined, body: Buffer): Promise<HttpResponse> => {
    const url = path.split('?')[0];
    if (url === '/readyz') return { status: 200, body: 'ok' };
    const admit = paths[url];
    if (!admit) return { status: 404, body: '404 page not found\n', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
    if (contentType !== 'application/json') {
      ctx.err(`E${klogTime()}       1 main.go:104] contentType=${contentType ?? ''}, expect application/json\n`);
      return { status: 200, body: '' };
    }
    let review: Review;
    try {
      review = JSON.parse(body.toString());
    } catch (e) {
      const msg = `Request could not be decoded: ${(e as Error).message}`;
      ctx.err(`E${klogTime()}       1 main.go:114] ${msg}\n`);
      return { status: 400, body: msg + '\n', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
    }
    if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
      const msg = `Unsupported group version kind: ${review.apiVersion ?? ''}, Kind=${review.kind ?? ''}`;
      return { status: 400, body: msg + '\n', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
    }
    const r = review.request ?? {};
    const a = await admit(review);
    ctx.out(
      `I${klogTime()}       1 main.go:130] ${method} ${url}: ${r.operation ?? ''} ${r.kind?.kind ?? ''} ${r.namespace ? `${r.namespace}/` : ''}${r.name || r.object?.metadata?.generateName || ''} allowed=${a.allowed}${a.patch ? ' patched' : ''}\n`,
    );
    const response: Record<string, unknown> = { uid: r.uid ?? '', allowed: a.allowed };
    if (a.status) response.status = { metadata: {}, ...a.status };
    if (a.patch) {
      response.patch = Buffer.from(JSON.stringify(a.patch)).toString('base64');
      response.patchType = 'JSONPatch';
    }
    if (a.warnings?.length) response.warnings = a.warnings;
    return json({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', response });
  };
  let unlisten: () => void;
  try {
    unlisten = ctx.container.sandbox.listen(port, (sock, from) => {
      const secure = new tls.TLSSocket(sock as unknown as import('node:net').Socket, { isServer: true, secureContext });
      // Go's http server logs failed handshakes and goes on serving
      secure.on('error', (e) => ctx.err(`http: TLS handshake error from ${from.ip}:${40000 + Math.floor(Math.random() * 20000)}: ${e.message.trim()}\n`));
      serveHttp(secure, (req) => handle(req.method, req.path, req.headers['content-type'], req.body), 'go');
    });
  } catch {
    ctx.err(`F${klogTime()}       1 main.go:60] listen tcp :${port}: bind: address already in use\n`);
    return 255;
  }
  await waitForAbort(ctx.signal);
  unlisten();
  return 0;
}

/** the JSONPatch that sets one label, as agnhost's add-label builds it */
function labelPatch(labels: Record<string, string> | undefined, key: string, value: string): unknown[] | undefined {
  const escaped = key.replace(/~/g, '~0').replace(/\//g, '~1');
  if (!labels || !Object.keys(labels).length) return [{ op: 'add', path: '/metadata/labels', value: { [key]: value } }];
  if (!(key in labels)) return [{ op: 'add', path: `/metadata/labels/${escaped}`, value }];
  if (labels[key] !== value) return [{ op: 'replace', path: `/metadata/labels/${escaped}`, value }];
  return undefined;
}

/** `agnhost webhook`: upstream's e2e webhook server */
export async function agnhostWebhook(ctx: ProgramContext): Promise<number> {
  const port = Number(goFlag(ctx.argv, 'port', '443'));
  return serveReviews(ctx, port, goFlag(ctx.argv, 'tls-cert-file', ''), goFlag(ctx.argv, 'tls-private-key-file', ''), {
    '/always-deny': () => ({ allowed: false, status: { message: 'this webhook denies all requests' } }),
    '/always-allow-delay-5s': async () => {
      await interruptibleSleep(5000, ctx.signal);
      return { allowed: true };
    },
    '/add-label': (r) => ({ allowed: true, patch: labelPatch(r.request?.object?.metadata?.labels, 'added-label', 'yes') }),
    '/pods/attach': denySpecificAttachment,
  });
}

/**
 * agnhost's /pods/attach (upstream's e2e "should be able to deny attaching pod"): refuses
 * `kubectl attach to-be-attached-pod -i -c container1`, reading the PodAttachOptions the API server sends on CONNECT
 */
function denySpecificAttachment(r: Review): Answer {
  const req = r.request ?? {};
  if (req.name !== 'to-be-attached-pod') return { allowed: true };
  const res = req.resource ?? {};
  if (res.group !== '' || res.version !== 'v1' || res.resource !== 'pods')
    return { allowed: false, status: { message: `expect resource to be { v1 pods}, got {${res.group ?? ''} ${res.version ?? ''} ${res.resource ?? ''}}` } };
  if (req.subResource !== 'attach') return { allowed: false, status: { message: `expect subresource to be attach, got ${req.subResource ?? ''}` } };
  const opts = req.object ?? {};
  if (!opts.stdin || opts.container !== 'container1') return { allowed: true };
  return { allowed: false, status: { message: "attaching to pod 'to-be-attached-pod' is not allowed" } };
}

/** docker.io/kubelab/admission-webhook */
export const admissionWebhook: Program = async (ctx) => {
  const port = Number(goFlag(ctx.argv, 'port', '8443'));
  const require = goFlag(ctx.argv, 'require-label', ctx.env.REQUIRE_LABEL ?? '');
  const add = goFlag(ctx.argv, 'add-label', ctx.env.ADD_LABEL ?? '');
  const [addKey, addValue = ''] = add ? [add.slice(0, add.includes('=') ? add.indexOf('=') : add.length), add.split('=').slice(1).join('=')] : [];
  ctx.out(
    `I${klogTime()}       1 main.go:52] serving on :${port}${require ? `, /validate requires label "${require}"` : ''}${addKey ? `, /mutate adds label ${addKey}=${addValue}` : ''}\n`,
  );
  return serveReviews(
    ctx,
    port,
    goFlag(ctx.argv, 'tls-cert-file', ctx.env.TLS_CERT_FILE ?? '/etc/webhook/certs/tls.crt'),
    goFlag(ctx.argv, 'tls-private-key-file', ctx.env.TLS_KEY_FILE ?? '/etc/webhook/certs/tls.key'),
    {
      '/validate': (r) => {
        const labels = r.request?.object?.metadata?.labels ?? {};
        if (!require || r.request?.operation === 'DELETE' || require in labels) return { allowed: true };
        return { allowed: false, status: { message: `missing required label "${require}"`, code: 403, reason: 'Forbidden' } };
      },
      '/mutate': (r) => {
        if (!addKey) return { allowed: true, warnings: ['admission-webhook: no --add-label configured, nothing to add'] };
        const patch = r.request?.object ? labelPatch(r.request.object.metadata?.labels, addKey, addValue) : undefined;
        // says what it changed, as policy engines' mutations do
        return { allowed: true, patch, warnings: patch ? [`admission-webhook: set label ${addKey}=${addValue}`] : undefined };
      },
    },
  );
};
