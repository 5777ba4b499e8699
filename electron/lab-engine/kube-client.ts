// A small HTTPS JSON client for the Kubernetes API built from a kubeconfig, so the grader works on any cluster.
import https from 'node:https';
import WebSocket from 'ws';
import type { Credentials } from './kubeconfig';

export interface ApiResponse {
  status: number;
  body: any;
  /** the texts of the response's `Warning: 299 - "…"` headers (admission warnings, deprecations) */
  warnings: string[];
}
export interface ResourceInfo {
  path: string;
  namespaced: boolean;
  plural: string;
}
export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public body: any,
    what: string,
  ) {
    super(`${what}: ${body?.message ?? `HTTP ${status}`}`);
  }
}

export class KubeClient {
  private agent: https.Agent;
  private discovery = new Map<string, Promise<any[]>>();

  /** `headers` go with every request (the app's "view as" sends Impersonate-User and Impersonate-Group) */
  constructor(
    private creds: Credentials,
    private extraHeaders: Record<string, string | string[]> = {},
  ) {
    this.agent = new https.Agent({ keepAlive: true, ca: creds.ca, cert: creds.cert, key: creds.key, rejectUnauthorized: !creds.insecure });
  }

  close(): void {
    this.agent.destroy();
  }

  private headers(extra: Record<string, string> = {}): Record<string, string | string[]> {
    const h: Record<string, string | string[]> = { Accept: 'application/json', 'User-Agent': 'kubelab-lab-engine', ...this.extraHeaders, ...extra };
    if (this.creds.token) h.Authorization = `Bearer ${this.creds.token}`;
    return h;
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> {
    const url = new URL(this.creds.server + path);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolvePromise, reject) => {
      const req = https.request(
        url,
        {
          method,
          agent: this.agent,
          headers: this.headers(payload !== undefined ? { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* plain text bodies (logs) stay strings */
            }
            resolvePromise({ status: res.statusCode ?? 0, body: parsed, warnings: warningTexts(res.headers.warning) });
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async json(method: string, path: string, body?: unknown, contentType?: string): Promise<any> {
    const r = await this.request(method, path, body, contentType);
    if (r.status >= 400) throw new ApiError(r.status, r.body, `${method} ${path}`);
    return r.body;
  }

  /** maps apiVersion + kind to its REST path through discovery (cached per group version) */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let p = this.discovery.get(base);
    if (!p) {
      p = this.json('GET', base).then((b) => b.resources ?? []);
      this.discovery.set(base, p);
      p.catch(() => this.discovery.delete(base));
    }
    const list = await p;
    const r = list.find((x: any) => x.kind === kind && !String(x.name).includes('/'));
    if (!r) throw new Error(`the server has no resource of kind ${kind} in ${apiVersion}`);
    return { path: base, namespaced: !!r.namespaced, plural: r.name };
  }

  async objectPath(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
    return `${r.path}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  /** undefined when the object does not exist */
  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<any | undefined> {
    const r = await this.request('GET', await this.objectPath(apiVersion, kind, namespace, name));
    if (r.status === 404) return undefined;
    if (r.status >= 400) throw new ApiError(r.status, r.body, `get ${kind} ${name}`);
    return r.body;
  }

  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<any> {
    const q = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const body = await this.json('GET', (await this.objectPath(apiVersion, kind, namespace)) + q);
    return { ...body, items: (body.items ?? []).map((i: any) => ({ apiVersion, kind, ...i })) };
  }

  /** server-side apply with our field manager; force takes ownership so reset and solve are repeatable */
  async apply(obj: any): Promise<any> {
    const ns = obj.metadata?.namespace;
    const path = await this.objectPath(obj.apiVersion, obj.kind, ns, obj.metadata?.name);
    return this.json('PATCH', `${path}?fieldManager=kubelab-lab&force=true`, obj, 'application/apply-patch+yaml');
  }

  /** true when something was deleted; a missing object is not an error */
  async delete(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
    propagationPolicy = 'Background',
    gracePeriodSeconds?: number,
  ): Promise<boolean> {
    const r = await this.request('DELETE', await this.objectPath(apiVersion, kind, namespace, name), {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy,
      ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
    });
    if (r.status === 404) return false;
    if (r.status >= 400) throw new ApiError(r.status, r.body, `delete ${kind} ${name}`);
    return true;
  }

  /** runs a command in a container over the exec WebSocket (v5.channel.k8s.io, falling back to v4) */
  exec(namespace: string, pod: string, command: string[], container?: string, timeoutMs = 15_000): Promise<ExecOutput> {
    const q = new URLSearchParams();
    for (const c of command) q.append('command', c);
    q.set('stdout', 'true');
    q.set('stderr', 'true');
    if (container) q.set('container', container);
    const url = `${this.creds.server.replace(/^http/, 'ws')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/exec?${q}`;
    return new Promise((resolvePromise, reject) => {
      const ws = new WebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
        ca: this.creds.ca,
        cert: this.creds.cert,
        key: this.creds.key,
        rejectUnauthorized: !this.creds.insecure,
        headers: this.creds.token ? { Authorization: `Bearer ${this.creds.token}` } : {},
      });
      let stdout = '',
        stderr = '';
      let status: any;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`exec in ${namespace}/${pod} timed out after ${timeoutMs / 1000}s`));
      }, timeoutMs);
      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          let msg = Buffer.concat(chunks).toString('utf8');
          try {
            msg = JSON.parse(msg).message ?? msg;
          } catch {
            /* keep text */
          }
          reject(new Error(`exec in ${namespace}/${pod}: ${msg || `HTTP ${res.statusCode}`}`));
        });
      });
      ws.on('message', (d: Buffer) => {
        const body = d.subarray(1).toString('utf8');
        if (d[0] === 1) stdout += body;
        else if (d[0] === 2) stderr += body;
        else if (d[0] === 3) {
          try {
            status = JSON.parse(body);
          } catch {
            status = { status: 'Failure', message: body };
          }
        }
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on('close', () => {
        clearTimeout(timer);
        // a Failure without an exit code (e.g. the command was not found) still deserves a readable reason
        if (status?.status === 'Failure' && !(status.details?.causes ?? []).some((c: any) => c.reason === 'ExitCode') && status.message)
          stderr += status.message;
        resolvePromise({ exitCode: exitCodeOf(status), stdout, stderr });
      });
    });
  }
}

/** RFC 7234 warn-values as the API server writes them: `299 - "text"` (Node joins repeated headers with ", ") */
export function warningTexts(header: string | string[] | undefined): string[] {
  if (!header) return [];
  const raw = Array.isArray(header) ? header.join(', ') : header;
  const out: string[] = [];
  for (const m of raw.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) out.push(m[1].replace(/\\(.)/g, '$1'));
  return out;
}

/** the status channel says Success, or Failure with an ExitCode cause carrying the number */
export function exitCodeOf(status: any): number {
  if (!status || status.status === 'Success') return 0;
  const cause = (status.details?.causes ?? []).find((c: any) => c.reason === 'ExitCode');
  const n = Number(cause?.message);
  return Number.isInteger(n) ? n : 1;
}
