// The API server's request pipeline: authorization → routing → the generic registry or a special handler.
// HTTPS and the in-process client both enter through ApiServer.handle(), so every component goes through the same chain.
import type { KObject } from '../api/types';
import { apiVersionOf } from '../api/types';
import { healthResponse, type HealthCheck } from './health';
import { intParam, resourceVersionParam, waitForResourceVersion } from './query-params';
import { mergePatchObject, patchedObject } from './patch-body';
import { StatusError, errBadRequest, errForbidden, errMethodNotAllowed, errInternal, statusError, type Status } from '../api/errors';
import type { Authorizer, AuthorizationAttributes } from '../auth/authorizer';
import { forbiddenMessage } from '../auth/authorizer';
import type { Catalog, ResourceEntry } from './catalog';
import { isPrecondition, type Registry, type WriteContext, type DeleteOptions } from './registry';
import { parseRequestInfo, queryBool, queryOptionalBool, type ApiRequest, type ApiResponse, type RequestInfo } from './request';
import { patchedFields } from './patch-scope';
import { decodeBody, mediaType, negotiate, type Accept } from './body';
import { toTable } from './table';
import { aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, discoveryContentType } from './discovery';
import type { SchemaService } from './schema-service';
import { KUBE_GIT_VERSION } from './version';

export const KUBE_VERSION = { major: '1', minor: '33', gitVersion: KUBE_GIT_VERSION, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-11-01T00:00:00Z', goVersion: 'go1.24.6', compiler: 'gc', platform: 'linux/amd64' };

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

  setAuthorizer(a: Authorizer): void { this.authorizer = a; }
  authorizerRef(): Authorizer { return this.authorizer; }

  /** `group/resource/subresource` (subresource '' for the main resource, e.g. virtual review kinds) */
  registerSpecial(group: string, resource: string, subresource: string, h: SpecialHandler): void {
    this.special.set(`${group}/${resource}/${subresource}`, h);
  }
  registerPath(path: string, h: (req: ApiRequest) => Promise<ApiResponse> | ApiResponse): void {
    this.nonResource.set(path, h);
  }

  /** warnings admission plugins gave a request (Pod Security warn mode), sent as Warning headers with the answer */
  private admissionWarnings = new WeakMap<ApiRequest, string[]>();

  async handle(req: ApiRequest): Promise<ApiResponse> {
    try {
      const info = parseRequestInfo(req.method, req.path, req.query);
      this.authorize(req, info);
      if (!info.isResourceRequest) return await this.handleNonResource(req, info);
      const deprecation = this.deprecationWarning(info);
      const res = await this.handleResource(req, info).catch(errorResponse);
      const extra = this.admissionWarnings.get(req);
      if (extra?.length && res.kind === 'json') res.warnings = [...extra, ...(res.warnings ?? [])];
      return withWarning(res, deprecation);
    } catch (err) {
      const res = errorResponse(err);
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
      ? { user: req.user, verb: info.verb, resourceRequest: true, apiGroup: info.apiGroup, apiVersion: info.apiVersion, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name }
      : { user: req.user, verb: req.method.toLowerCase(), resourceRequest: false, path: req.path };
    let d = this.authorizer.authorize(a);
    // kubectl opens exec/attach/portforward WebSockets with GET; upstream's SPDY fallback needs `create`, so RBAC
    // roles written for either verb work there — accept both here, since this server has no SPDY fallback
    if (d.decision !== 'allow' && a.resourceRequest && a.verb === 'get' && (a.subresource === 'exec' || a.subresource === 'attach' || a.subresource === 'portforward')) {
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
    const accept = negotiate(req);
    if (p === '/version') return json(200, KUBE_VERSION);
    if (p === '/livez' || p === '/healthz' || p === '/readyz' || p.startsWith('/livez/') || p.startsWith('/healthz/') || p.startsWith('/readyz/')) {
      return healthResponse(p, req.query.has('verbose'), this.opts.ready(), this.opts.healthChecks?.() ?? []);
    }
    if (p === '/api') {
      if (accept.aggregatedDiscovery) return { kind: 'json', status: 200, body: aggregatedDiscovery(this.catalog, true, accept.aggregatedDiscovery), contentType: discoveryContentType(accept.aggregatedDiscovery) };
      return json(200, apiVersions(this.opts.address()));
    }
    if (p === '/apis') {
      if (accept.aggregatedDiscovery) return { kind: 'json', status: 200, body: aggregatedDiscovery(this.catalog, false, accept.aggregatedDiscovery), contentType: discoveryContentType(accept.aggregatedDiscovery) };
      return json(200, apiGroupList(this.catalog));
    }
    if (info.apiPrefix === 'api' && info.apiVersion && !info.isResourceRequest) {
      const l = apiResourceList(this.catalog, '', info.apiVersion);
      if (l) return json(200, l);
    }
    if (info.apiPrefix === 'apis') {
      const segs = p.split('/').filter(Boolean);
      if (segs.length === 2) { const g = apiGroupDoc(this.catalog, segs[1]); if (g) return json(200, g); }
      if (segs.length === 3) { const l = apiResourceList(this.catalog, segs[1], segs[2]); if (l) return json(200, l); }
    }
    if (p === '/openapi/v3' || p.startsWith('/openapi/v3/')) return this.schemas.serveOpenApiV3(p, req);
    if (p === '/openapi/v2') return this.schemas.serveOpenApiV2(req);
    if (p === '/') {
      return json(200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/openapi/v2', '/openapi/v3', '/readyz', '/version'] });
    }
    throw notFoundPath();
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
    if (sub && !entry.subresources.includes(sub) && !(sub === 'finalize' && entry.resource === 'namespaces' && entry.group === '')) throw notFoundPath();
    if (sub && sub !== 'status' && sub !== 'scale' && sub !== 'finalize' && sub !== 'approval') throw notFoundPath();
    if (entry.virtual) throw errMethodNotAllowed(`the server does not allow this method on the requested resource`);
    if (entry.namespaced && !info.namespace && info.verb !== 'list' && info.verb !== 'watch' && info.verb !== 'deletecollection') {
      throw notFoundPath();
    }
    const ns = entry.namespaced ? info.namespace : undefined;
    const accept = negotiate(req);
    const q = req.query;
    switch (info.verb) {
      case 'get': {
        await waitForResourceVersion(resourceVersionParam(q), () => this.registry.store.revision());
        if (sub === 'scale') return json(200, await this.getScale(entry, ns, info.name!));
        const o = this.registry.get(entry, ns, info.name!, req.serializedReply);
        return this.render(entry, o, accept);
      }
      case 'list': {
        const opts = listOpts(q);
        await waitForResourceVersion(opts.resourceVersion, () => this.registry.store.revision());
        // tables, metadata lists and answers that are only serialized read the objects: no private copy of each
        const l = this.registry.list(entry, ns, { ...opts, shared: req.serializedReply || accept.table || accept.partialMetadata });
        if (accept.table) return json(200, toTable(entry, l.items, l.metadata, accept));
        if (accept.partialMetadata) {
          return json(200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: l.metadata, items: l.items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })) });
        }
        return json(200, l);
      }
      case 'watch': return this.watch(entry, ns, req, accept);
      case 'create': {
        if (sub) throw errMethodNotAllowed('the server does not allow this method on the requested resource');
        const obj = this.decodeObject(req, entry);
        ensureNamespaceMatches(ns, obj);
        const ctx = this.writeCtx(req, entry);
        const warnings = this.checkFields(req, entry, obj);
        const created = await this.registry.create(entry, ns, obj, ctx);
        return { kind: 'json', status: 201, body: this.out(entry, created), warnings };
      }
      case 'update': {
        if (sub === 'scale') return json(200, await this.updateScale(entry, ns, info.name!, this.decodeAny(req), this.writeCtx(req, entry, sub)));
        const obj = this.decodeObject(req, entry);
        ensureNamespaceMatches(ns, obj);
        const ctx = this.writeCtx(req, entry, sub === 'finalize' ? undefined : sub);
        const warnings = this.checkFields(req, entry, obj);
        if (sub === 'finalize') {
          const r = await this.registry.update(entry, ns, info.name!, (cur) => { cur.spec = { ...(cur.spec ?? {}), finalizers: obj.spec?.finalizers ?? [] }; return cur; }, { ...ctx, subresource: 'finalize', internal: true });
          return json(200, this.out(entry, r.obj));
        }
        const r = await this.registry.update(entry, ns, info.name!, obj, ctx, { allowCreate: ALLOW_CREATE_ON_UPDATE.has(entry.resource) });
        return { kind: 'json', status: r.created ? 201 : 200, body: this.out(entry, r.obj), warnings };
      }
      case 'patch': return this.patch(entry, ns, info.name!, req, sub);
      case 'delete': {
        const opts = this.deleteOptions(req);
        const ctx = this.writeCtx(req, entry);
        const r = await this.registry.delete(entry, ns, info.name!, opts, ctx);
        if (!r.finished || RETURN_DELETED_OBJECT.has(entry.resource)) return json(200, this.out(entry, r.obj));
        return json(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: info.name, group: entry.group || undefined, kind: entry.resource, uid: r.obj.metadata.uid } });
      }
      case 'deletecollection': {
        const opts = this.deleteOptions(req);
        const ctx = this.writeCtx(req, entry);
        const l = this.registry.list(entry, ns, listOpts(q));
        const items: KObject[] = [];
        for (const o of l.items) {
          try { items.push((await this.registry.delete(entry, o.metadata.namespace, o.metadata.name!, opts, ctx)).obj); }
          catch (err) { if (!(err instanceof StatusError && err.code === 404)) throw err; }
        }
        return json(200, { apiVersion: apiVersionOf(entry.group, entry.version), kind: entry.listKind, metadata: { resourceVersion: String(this.registry.store.revision()) }, items });
      }
      default:
        throw errMethodNotAllowed('the server does not allow this method on the requested resource');
    }
  }

  /** the object as answered, with apiVersion and kind; a copy when they are missing, as `o` may be a shared parse */
  out(entry: ResourceEntry, o: KObject): KObject {
    if (!o.apiVersion || !o.kind) return { ...o, apiVersion: apiVersionOf(entry.group, entry.version), kind: entry.kind };
    return o;
  }

  private render(entry: ResourceEntry, o: KObject, accept: Accept): ApiResponse {
    if (accept.table) return json(200, toTable(entry, [o], { resourceVersion: o.metadata.resourceVersion }, accept));
    if (accept.partialMetadata) return json(200, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });
    return json(200, this.out(entry, o));
  }

  writeCtx(req: ApiRequest, entry: ResourceEntry, subresource?: string): WriteContext {
    const dry = req.query.getAll('dryRun');
    for (const d of dry) if (d !== 'All') throw errBadRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
    const manager = req.query.get('fieldManager') ?? defaultManager(req.headers['user-agent']);
    if (manager.length > 128) throw errBadRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    const warnings = (this.admissionWarnings.get(req) ?? []);
    this.admissionWarnings.set(req, warnings);
    return {
      user: req.user, dryRun: dry.length > 0, fieldManager: manager, subresource,
      warn: (m) => { if (!warnings.includes(m)) warnings.push(m); },
      manage: (obj, old, op, sub) => this.schemas.manageFields(entry, obj, old, manager, op, sub ?? subresource),
    };
  }

  decodeAny(req: ApiRequest): KObject {
    const v = decodeBody(req);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw errBadRequest('Object \'Kind\' is missing in \'' + JSON.stringify(v) + '\'');
    return v as KObject;
  }

  /** decodes a full object for create/update and checks its apiVersion/kind against the URL */
  decodeObject(req: ApiRequest, entry: ResourceEntry): KObject {
    const o = this.decodeAny(req);
    const want = apiVersionOf(entry.group, entry.version);
    // typed decoding defaults a missing apiVersion/kind from the URL; only custom resources (unstructured) insist on them
    if (!entry.crd) { if (!o.kind) o.kind = entry.kind; if (!o.apiVersion) o.apiVersion = want; }
    if (o.kind === undefined || o.kind === '') throw errBadRequest(`Object 'Kind' is missing in '${truncate(JSON.stringify(o))}'`);
    if (o.apiVersion !== undefined && o.apiVersion !== want) {
      throw errBadRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${want})`);
    }
    if (o.kind !== entry.kind) {
      throw errBadRequest(`the kind in the data (${o.kind}) does not match the expected kind (${entry.kind})`);
    }
    if (o.metadata !== undefined && (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata))) {
      throw errBadRequest(`${entry.kind} in version "${entry.version}" cannot be handled as a ${entry.kind}: json: cannot unmarshal ${jsonKind(o.metadata)} into Go struct field ${entry.kind}.metadata of type v1.ObjectMeta`);
    }
    return o;
  }

  private deleteOptions(req: ApiRequest): DeleteOptions {
    const q = req.query;
    let body: Record<string, any> = {};
    if ((req.body && req.body.length) || req.bodyObject) {
      try { body = decodeBody(req) as Record<string, any>; } catch { body = {}; }
    }
    const opts: DeleteOptions = {};
    const gp = intParam(q, 'gracePeriodSeconds') ?? body.gracePeriodSeconds;
    if (gp !== undefined && gp !== null) opts.gracePeriodSeconds = Number(gp);
    const pp = q.get('propagationPolicy') ?? body.propagationPolicy;
    if (pp) {
      if (!['Orphan', 'Background', 'Foreground'].includes(pp)) throw statusError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${pp}": supported values: "Foreground", "Background", "Orphan", "nil"`);
      opts.propagationPolicy = pp;
    }
    if (queryBool(q, 'orphanDependents') || body.orphanDependents === true) opts.orphanDependents = true;
    if (body.preconditions) opts.preconditions = body.preconditions;
    if (q.getAll('dryRun').length || (Array.isArray(body.dryRun) && body.dryRun.length)) {
      // handled through the write context
    }
    return opts;
  }

  /** the typed decoding of the body: prunes unknown fields and nulls, and answers per fieldValidation */
  private checkFields(req: ApiRequest, entry: ResourceEntry, obj: KObject, only?: Set<string>): string[] {
    return this.schemas.checkFields(entry, obj, fieldValidation(req.query), only);
  }

  // ---------- patch ----------
  private async patch(entry: ResourceEntry, ns: string | undefined, name: string, req: ApiRequest, sub?: string): Promise<ApiResponse> {
    const mt = mediaType(req);
    let patchBody = decodeBody(req);
    const ctx = this.writeCtx(req, entry, sub === 'scale' ? undefined : sub);
    const q = req.query;
    if (sub === 'scale') {
      const cur = await this.getScale(entry, ns, name);
      const next = this.schemas.applyPatch(entry, mt, cur, patchBody, 'io.k8s.api.autoscaling.v1.Scale');
      return json(200, await this.updateScale(entry, ns, name, next, ctx));
    }
    if (mt === 'application/apply-patch+yaml' || mt === 'application/apply-patch+json') {
      const force = queryBool(q, 'force');
      if (!q.get('fieldManager')) throw errBadRequest('PATCH /api/v1: fieldManager is required for apply requests');
      const applied = patchBody as KObject;
      if (!applied || typeof applied !== 'object') throw errBadRequest('invalid apply body');
      const warnings = this.checkFields(req, entry, applied);
      const existing = this.registry.getStored(entry, ns, name);
      if (!existing) {
        const obj = this.schemas.serverSideApply(entry, undefined, applied, ctx.fieldManager!, force, sub);
        obj.metadata = { ...(obj.metadata ?? {}), name };
        const created = await this.registry.create(entry, ns, obj, { ...ctx, manage: undefined });
        return { kind: 'json', status: 201, body: this.out(entry, created), warnings };
      }
      const r = await this.registry.update(entry, ns, name, (cur) => this.schemas.serverSideApply(entry, cur, applied, ctx.fieldManager!, force, sub), { ...ctx, manage: undefined });
      return { kind: 'json', status: 200, body: this.out(entry, r.obj), warnings };
    }
    if (!['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].includes(mt)) {
      throw statusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json, application/apply-patch+cbor`);
    }
    if (mt === 'application/strategic-merge-patch+json' && entry.crd) {
      throw statusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/apply-patch+cbor`);
    }
    let warnings: string[] = [];
    if (mt !== 'application/json-patch+json') patchBody = mergePatchObject(patchBody);
    // custom resources are decoded whole: their schema may have changed since the object was stored
    const touched = entry.crd ? undefined : patchedFields(mt, patchBody);
    const r = await this.registry.update(entry, ns, name, (cur) => {
      const curRv = cur.metadata.resourceVersion;
      const next = patchedObject(this.schemas.applyPatch(entry, mt, cur, patchBody) as KObject, entry.kind, name);
      warnings = this.schemas.checkFields(entry, next, fieldValidation(req.query), touched, { flavor: mt === 'application/strategic-merge-patch+json' ? 'strategic' : 'json', patch: patchBody });
      ensureNamespaceMatches(ns, next);
      // a patch carrying a stale resourceVersion (merge patch field or JSON patch op) conflicts like an update
      const prv = next.metadata?.resourceVersion;
      if (isPrecondition(prv) && prv !== curRv) {
        throw statusError(409, 'Conflict', `Operation cannot be fulfilled on ${entry.group ? entry.resource + '.' + entry.group : entry.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: entry.group || undefined, kind: entry.resource });
      }
      next.metadata.resourceVersion = undefined;
      return next;
    }, ctx);
    return { kind: 'json', status: 200, body: this.out(entry, r.obj), warnings };
  }

  // ---------- scale ----------
  private async getScale(entry: ResourceEntry, ns: string | undefined, name: string): Promise<KObject> {
    const spec = entry.strategy.info.subresources?.scale ?? crdScale(entry);
    if (!spec) throw notFoundPath();
    const o = this.registry.get(entry, ns, name);
    const get = (path: string) => path.replace(/^\./, '').split('.').reduce((a: any, k) => (a == null ? undefined : a[k]), o);
    return {
      kind: 'Scale', apiVersion: 'autoscaling/v1',
      metadata: { name, namespace: ns, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: get(spec.specReplicasPath) ?? 0 },
      status: { replicas: get(spec.statusReplicasPath) ?? 0, selector: selectorString(spec.labelSelectorPath ? get(spec.labelSelectorPath) : undefined) },
    };
  }
  private async updateScale(entry: ResourceEntry, ns: string | undefined, name: string, scale: KObject, ctx: WriteContext): Promise<KObject> {
    const spec = entry.strategy.info.subresources?.scale ?? crdScale(entry);
    if (!spec) throw notFoundPath();
    const replicas = scale?.spec?.replicas;
    if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
      throw statusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`);
    }
    const path = spec.specReplicasPath.replace(/^\./, '').split('.');
    await this.registry.update(entry, ns, name, (cur) => {
      if (isPrecondition(scale.metadata?.resourceVersion) && scale.metadata.resourceVersion !== cur.metadata.resourceVersion) {
        throw statusError(409, 'Conflict', `Operation cannot be fulfilled on ${entry.resource}.${entry.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      let t: any = cur;
      for (const k of path.slice(0, -1)) t = t[k] ??= {};
      t[path[path.length - 1]] = replicas;
      return cur;
    }, ctx);
    return this.getScale(entry, ns, name);
  }

  // ---------- watch ----------
  private watch(entry: ResourceEntry, ns: string | undefined, req: ApiRequest, accept: Accept): ApiResponse {
    const q = req.query;
    const opts = { ...listOpts(q), allowWatchBookmarks: queryBool(q, 'allowWatchBookmarks'), sendInitialEvents: queryOptionalBool(q, 'sendInitialEvents') };
    if (req.query.get('fieldSelector')?.startsWith('metadata.name=') && !ns && entry.namespaced) {
      // allowed: cross-namespace name watch
    }
    const timeout = intParam(q, 'timeoutSeconds') ?? 0;
    // validate selectors and the resourceVersion before answering 200
    const preflight = this.registry.watch(entry, ns, { ...opts, resourceVersion: String(this.registry.store.revision()) }, () => undefined);
    preflight.cancel();
    return {
      kind: 'watch', status: 200,
      start: (send, end) => {
        let first = true;
        const emit = (ev: { type: string; object: KObject }) => {
          if (ev.type === 'ERROR' || ev.type === 'BOOKMARK' || !accept.table) { send({ type: ev.type as any, object: ev.type === 'ERROR' || ev.type === 'BOOKMARK' ? ev.object : this.out(entry, ev.object) }); return; }
          send({ type: ev.type as any, object: toTable(entry, [ev.object], { resourceVersion: ev.object.metadata.resourceVersion }, accept, first) });
          first = false;
        };
        let w: { cancel(): void } | undefined;
        try {
          w = this.registry.watch(entry, ns, opts, (ev) => emit(ev));
        } catch (err) {
          const st = err instanceof StatusError ? err.status : errInternal(String(err)).status;
          send({ type: 'ERROR', object: st });
          end();
          return { stop() {} };
        }
        let timer: NodeJS.Timeout | undefined;
        // past ~24.8 days a Node timer would overflow and fire at once: such a watch simply never times out
        if (timeout > 0 && timeout * 1000 <= MAX_TIMER_MS) timer = setTimeout(() => { w?.cancel(); end(); }, timeout * 1000);
        return { stop: () => { w?.cancel(); if (timer) clearTimeout(timer); } };
      },
    };
  }
}

const ALLOW_CREATE_ON_UPDATE = new Set(['endpoints', 'leases', 'events', 'endpointslices']);
/** kinds whose DELETE answers with the object rather than a Status, as upstream's registries are configured */
const RETURN_DELETED_OBJECT = new Set(['pods', 'services', 'namespaces', 'nodes', 'persistentvolumes', 'persistentvolumeclaims', 'customresourcedefinitions', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'configmaps', 'secrets', 'serviceaccounts']);

/**
 * upstream's EnsureObjectNamespaceMatchesRequestNamespace: an object without a namespace takes the request's, a
 * cluster-scoped request clears it, and any other difference is refused rather than silently rewritten
 */
function ensureNamespaceMatches(ns: string | undefined, obj: KObject): void {
  const objNs = obj.metadata?.namespace;
  if (!objNs || objNs === (ns ?? '')) return;
  if (!ns) { delete obj.metadata.namespace; return; }
  throw errBadRequest('the namespace of the provided object does not match the namespace sent on the request');
}

function crdScale(entry: ResourceEntry): { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } | undefined {
  const v = (entry.crd?.spec?.versions ?? []).find((x: any) => x.name === entry.version);
  return v?.subresources?.scale;
}

function selectorString(sel: any): string | undefined {
  if (!sel) return undefined;
  if (typeof sel === 'string') return sel;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

const MAX_TIMER_MS = 2 ** 31 - 1;

function listOpts(q: URLSearchParams) {
  return {
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: intParam(q, 'limit'),
    continue: q.get('continue') ?? undefined,
    resourceVersion: resourceVersionParam(q),
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
  };
}

function fieldValidation(q: URLSearchParams): 'Strict' | 'Warn' | 'Ignore' {
  const v = q.get('fieldValidation');
  if (v === 'Strict' || v === 'Ignore' || v === 'Warn') return v;
  if (v) throw errBadRequest(`fieldValidation parameter unsupported: ${v}`);
  return 'Warn';
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

function truncate(s: string): string { return s.length > 200 ? s.slice(0, 200) : s; }

function withWarning(r: ApiResponse, warning: string | undefined): ApiResponse {
  if (!warning || (r.kind !== 'json' && r.kind !== 'watch')) return r;
  return { ...r, warnings: [warning, ...(r.warnings ?? [])] };
}

export function json(status: number, body: unknown): ApiResponse { return { kind: 'json', status, body }; }

export function notFoundPath(): StatusError {
  return statusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function errorResponse(err: unknown): ApiResponse {
  if (err instanceof StatusError) return { kind: 'json', status: err.code, body: err.status };
  const e = err as Error;
  // unexpected errors never crash the server; they become 500 Status bodies like upstream's panic recovery
  process.stderr.write(`apiserver: internal error: ${e?.stack ?? String(err)}\n`);
  const st: Status = errInternal(e?.message ?? String(err)).status;
  return { kind: 'json', status: 500, body: st };
}

