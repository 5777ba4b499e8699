// The API server's request pipeline: authorization → routing → the generic registry or a special handler. Each
// verb's handling lives in verbs/ (read, write, patch, scale, watch) and the non-resource paths in non-resource.ts.
// HTTPS and the in-process client both enter through ApiServer.handle(), so every component goes through the same chain.
import type { KObject } from '../api/types';
import { apiVersionOf } from '../api/types';
import type { HealthCheck } from './health';
import { errBadRequest, errForbidden, errMethodNotAllowed, StatusError } from '../api/errors';
import type { Authorizer, AuthorizationAttributes } from '../auth/authorizer';
import { forbiddenMessage } from '../auth/authorizer';
import type { Catalog, ResourceEntry } from './catalog';
import type { Registry, WriteContext } from './registry';
import { parseRequestInfo, type ApiRequest, type ApiResponse, type RequestInfo } from './request';
import { decodeBody, negotiate } from './body';
import type { SchemaService } from './schema-service';
import { errorResponse, notFoundPath } from './responses';
import { serveNonResource } from './non-resource';
import type { VerbContext } from './verbs/context';
import { get, list } from './verbs/read';
import { create, update, deleteOne, deleteCollection } from './verbs/write';
import { patch } from './verbs/patch';
import { watch } from './verbs/watch';

/** a handler for a subresource or virtual kind the generic registry cannot serve (binding, eviction, exec, reviews…) */
export type SpecialHandler = (ctx: { req: ApiRequest; info: RequestInfo; entry: ResourceEntry; server: ApiServer }) => Promise<ApiResponse>;

export interface ApiServerOptions {
  catalog: Catalog;
  registry: Registry;
  authorizer: Authorizer;
  schemas: SchemaService;
  /** host:port for /api's serverAddressByClientCIDRs */
  address: () => string;
  ready: () => boolean;
  /** checks beyond upstream's static ones for /livez, /readyz and /healthz (the watchdog's event-loop check) */
  healthChecks?: () => HealthCheck[];
}

export class ApiServer {
  readonly catalog: Catalog;
  readonly registry: Registry;
  readonly schemas: SchemaService;
  private authorizer: Authorizer;
  private special = new Map<string, SpecialHandler>();
  private nonResource = new Map<string, (req: ApiRequest) => Promise<ApiResponse> | ApiResponse>();

  constructor(private opts: ApiServerOptions) {
    this.catalog = opts.catalog;
    this.registry = opts.registry;
    this.authorizer = opts.authorizer;
    this.schemas = opts.schemas;
  }

  setAuthorizer(a: Authorizer): void {
    this.authorizer = a;
  }
  authorizerRef(): Authorizer {
    return this.authorizer;
  }

  /** `group/resource/subresource` (subresource '' for the main resource, e.g. virtual review kinds) */
  registerSpecial(group: string, resource: string, subresource: string, h: SpecialHandler): void {
    this.special.set(`${group}/${resource}/${subresource}`, h);
  }
  registerPath(path: string, h: (req: ApiRequest) => Promise<ApiResponse> | ApiResponse): void {
    this.nonResource.set(path, h);
  }

  /** warnings admission plugins gave a request (Pod Security warn mode), sent as Warning headers with the answer */
  private admissionWarnings = new WeakMap<ApiRequest, string[]>();
  private admissionAnnotations = new WeakMap<ApiRequest, Record<string, string>>();
  /** what admission recorded for the request's audit event */
  auditAnnotations(req: ApiRequest): Record<string, string> | undefined {
    return this.admissionAnnotations.get(req);
  }

  /** the unexpected exceptions (not StatusErrors) that became a request's 500: upstream's handler panics */
  private unexpectedErrors = new WeakMap<ApiRequest, unknown>();
  /** what went unexpectedly wrong in the request's handler, for the audit's Panic stage; undefined when nothing did */
  unexpectedError(req: ApiRequest): unknown {
    return this.unexpectedErrors.get(req);
  }
  private failed(req: ApiRequest, err: unknown): ApiResponse {
    if (!(err instanceof StatusError)) this.unexpectedErrors.set(req, err);
    return errorResponse(err);
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    try {
      const info = parseRequestInfo(req.method, req.path, req.query);
      this.authorize(req, info);
      if (!info.isResourceRequest) return await this.handleNonResource(req, info);
      const deprecation = this.deprecationWarning(info);
      const res = await this.handleResource(req, info).catch((err: unknown) => this.failed(req, err));
      const extra = this.admissionWarnings.get(req);
      if (extra?.length && res.kind === 'json') res.warnings = [...extra, ...(res.warnings ?? [])];
      return withWarning(res, deprecation);
    } catch (err) {
      const res = this.failed(req, err);
      const extra = this.admissionWarnings.get(req);
      if (extra?.length && res.kind === 'json') res.warnings = [...extra, ...(res.warnings ?? [])];
      return res;
    }
  }

  /** upstream's deprecated-API filter: requests on a deprecated group-version-kind carry a warning, errors included */
  private deprecationWarning(info: RequestInfo): string | undefined {
    const entry = this.catalog.get(info.apiGroup, info.apiVersion, info.resource!);
    if (!entry) return undefined;
    const gv = apiVersionOf(entry.group, entry.version);
    const d = entry.strategy.info.deprecated;
    if (d) return `${gv} ${entry.kind} is deprecated in v${d.since}+` + (d.replacement ? `; use ${d.replacement}` : '');
    const v = (entry.crd?.spec?.versions ?? []).find((x: { name?: string }) => x.name === entry.version);
    if (v?.deprecated) return v.deprecationWarning ?? `${gv} ${entry.kind} is deprecated`;
    return undefined;
  }

  private authorize(req: ApiRequest, info: RequestInfo): void {
    const a: AuthorizationAttributes = info.isResourceRequest
      ? {
          user: req.user,
          verb: info.verb,
          resourceRequest: true,
          apiGroup: info.apiGroup,
          apiVersion: info.apiVersion,
          resource: info.resource,
          subresource: info.subresource,
          namespace: info.namespace,
          name: info.name,
        }
      : { user: req.user, verb: req.method.toLowerCase(), resourceRequest: false, path: req.path };
    let d = this.authorizer.authorize(a);
    // kubectl opens exec/attach/portforward WebSockets with GET; upstream's SPDY fallback needs `create`, so RBAC
    // roles written for either verb work there — accept both here, since this server has no SPDY fallback
    if (
      d.decision !== 'allow' &&
      a.resourceRequest &&
      a.verb === 'get' &&
      (a.subresource === 'exec' || a.subresource === 'attach' || a.subresource === 'portforward')
    ) {
      const alt = this.authorizer.authorize({ ...a, verb: 'create' });
      if (alt.decision === 'allow') d = alt;
    }
    if (d.decision === 'allow') return;
    const details = info.isResourceRequest ? { name: info.name, group: info.apiGroup || undefined, kind: info.resource } : undefined;
    throw errForbidden(forbiddenMessage(a) + (d.reason ? `: ${d.reason}` : ''), details);
  }

  // ---------- non-resource paths ----------
  private async handleNonResource(req: ApiRequest, info: RequestInfo): Promise<ApiResponse> {
    const p = req.path.replace(/\/+$/, '') || '/';
    const custom = this.nonResource.get(p);
    if (custom) return custom(req);
    for (const [prefix, h] of this.nonResource) if (prefix.endsWith('/*') && p.startsWith(prefix.slice(0, -1))) return h(req);
    return serveNonResource(this.opts, req, info, p);
  }

  // ---------- resources ----------
  private async handleResource(req: ApiRequest, info: RequestInfo): Promise<ApiResponse> {
    const entry = this.catalog.get(info.apiGroup, info.apiVersion, info.resource!);
    if (!entry) throw notFoundPath();
    if (entry.namespaced === false && info.namespace && info.resource !== 'namespaces') throw notFoundPath();
    if (info.parts.length > 3 && info.subresource !== 'proxy') throw notFoundPath();
    const sub = info.subresource;
    const special = this.special.get(`${entry.group}/${entry.resource}/${sub ?? ''}`);
    if (special) return special({ req, info, entry, server: this });
    if (sub && !entry.subresources.includes(sub)) throw notFoundPath();
    if (sub && sub !== 'status' && sub !== 'scale' && sub !== 'finalize' && sub !== 'approval') throw notFoundPath();
    if (entry.virtual) throw errMethodNotAllowed(`the server does not allow this method on the requested resource`);
    if (entry.namespaced && !info.namespace && info.verb !== 'list' && info.verb !== 'watch' && info.verb !== 'deletecollection') {
      throw notFoundPath();
    }
    const ns = entry.namespaced ? info.namespace : undefined;
    const c: VerbContext = { server: this, req, info, entry, ns, accept: negotiate(req) };
    switch (info.verb) {
      case 'get':
        return get(c);
      case 'list':
        return list(c);
      case 'watch':
        return watch(c);
      case 'create':
        return create(c);
      case 'update':
        return update(c);
      case 'patch':
        return patch(c);
      case 'delete':
        return deleteOne(c);
      case 'deletecollection':
        return deleteCollection(c);
      default:
        throw errMethodNotAllowed('the server does not allow this method on the requested resource');
    }
  }

  /** the object as answered, with apiVersion and kind; a copy when they are missing, as `o` may be a shared parse */
  out(entry: ResourceEntry, o: KObject): KObject {
    if (!o.apiVersion || !o.kind) return { ...o, apiVersion: apiVersionOf(entry.group, entry.version), kind: entry.kind };
    return o;
  }

  writeCtx(req: ApiRequest, entry: ResourceEntry, subresource?: string): WriteContext {
    const dry = req.query.getAll('dryRun');
    for (const d of dry) if (d !== 'All') throw errBadRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
    const manager = req.query.get('fieldManager') ?? defaultManager(req.headers['user-agent']);
    if (manager.length > 128) throw errBadRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return {
      user: req.user,
      dryRun: dry.length > 0,
      fieldManager: manager,
      subresource,
      ...this.admissionOutputs(req),
      manage: (obj, old, op, sub) => this.schemas.manageFields(entry, obj, old, manager, op, sub ?? subresource),
    };
  }

  /** where admission's warnings and audit annotations for this request are collected (writes and CONNECTs alike) */
  admissionOutputs(req: ApiRequest): Pick<WriteContext, 'warn' | 'annotate'> {
    const warnings = this.admissionWarnings.get(req) ?? [];
    this.admissionWarnings.set(req, warnings);
    return {
      warn: (m) => {
        if (!warnings.includes(m)) warnings.push(m);
      },
      annotate: (k, v) => {
        const a = this.admissionAnnotations.get(req) ?? {};
        a[k] = v;
        this.admissionAnnotations.set(req, a);
      },
    };
  }

  decodeAny(req: ApiRequest): KObject {
    const v = decodeBody(req);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw errBadRequest("Object 'Kind' is missing in '" + JSON.stringify(v) + "'");
    return v as KObject;
  }

  /** decodes a full object for create/update and checks its apiVersion/kind against the URL */
  decodeObject(req: ApiRequest, entry: ResourceEntry): KObject {
    const o = this.decodeAny(req);
    const want = apiVersionOf(entry.group, entry.version);
    // typed decoding defaults a missing apiVersion/kind from the URL; only custom resources (unstructured) insist on them
    if (!entry.crd) {
      if (!o.kind) o.kind = entry.kind;
      if (!o.apiVersion) o.apiVersion = want;
    }
    if (o.kind === undefined || o.kind === '') throw errBadRequest(`Object 'Kind' is missing in '${truncate(JSON.stringify(o))}'`);
    if (o.apiVersion !== undefined && o.apiVersion !== want) {
      throw errBadRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${want})`);
    }
    if (o.kind !== entry.kind) {
      throw errBadRequest(`the kind in the data (${o.kind}) does not match the expected kind (${entry.kind})`);
    }
    if (o.metadata !== undefined && (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata))) {
      throw errBadRequest(
        `${entry.kind} in version "${entry.version}" cannot be handled as a ${entry.kind}: json: cannot unmarshal ${jsonKind(o.metadata)} into Go struct field ${entry.kind}.metadata of type v1.ObjectMeta`,
      );
    }
    return o;
  }
}

/** upstream derives the default field manager from the user agent's program name */
function defaultManager(ua?: string): string {
  if (!ua) return 'unknown';
  const prog = ua.split('/')[0];
  return prog.slice(0, 128) || 'unknown';
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

function truncate(s: string): string {
  return s.length > 200 ? s.slice(0, 200) : s;
}

function withWarning(r: ApiResponse, warning: string | undefined): ApiResponse {
  if (!warning || (r.kind !== 'json' && r.kind !== 'watch')) return r;
  return { ...r, warnings: [warning, ...(r.warnings ?? [])] };
}

export { json, notFoundPath, errorResponse } from './responses';
