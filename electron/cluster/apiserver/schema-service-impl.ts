// SchemaService backed by the generated OpenAPI catalogue (api/openapi) and the patch library (api/patch).
import type { KObject } from '../api/types';
import { apiVersionOf } from '../api/types';
import { errBadRequest, statusError } from '../api/errors';
import {
  buildOpenApiV3Document,
  buildOpenApiV3Index,
  crdSchemaToDefinition,
  decodeStrict,
  formatDecodeError,
  schemaForKind,
  serializeOpenApiDocument,
  type Definitions,
} from '../api/openapi';
import {
  strategicMergePatch,
  jsonMergePatch,
  jsonPatch,
  applyPatch as ssaApply,
  updateManagedFields,
  applyConflictError,
  JsonPatchError,
  jsonPatchStatusError,
} from '../api/patch';
import type { Catalog, ResourceEntry } from './catalog';
import type { SchemaService } from './schema-service';
import { getDefinitions } from '../api/openapi/schema';
import { gnosticDocument, swaggerDocument } from '../api/openapi/swagger-v2';
import { encodeMessage, hasWireType } from '../api/protobuf/encode';
import { KUBE_GIT_VERSION } from './version';

const GNOSTIC_DOCUMENT = 'github.com/google/gnostic-models/openapiv2.Document';
import { converterMessage, goPrint, goSortedJson, patchInvalid } from './patch-errors';
import type { ApiResponse } from './request';

interface DocCache {
  generation: number;
  docs: Map<string, { body: string; hash: string }>;
}

export function createSchemaService(catalog: Catalog): SchemaService {
  const crdDefs = new Map<string, { name: string; definitions: Definitions }>();
  const cache: DocCache = { generation: -1, docs: new Map() };
  // the v2 document, rebuilt when the catalogue changes (CRDs); its encodings are made on first request
  const v2: { generation: number; json?: Record<string, unknown>; text?: string; proto?: Buffer } = { generation: -1 };

  const defFor = (e: ResourceEntry): { name?: string; definitions?: Definitions } => {
    if (e.crd) {
      const k = `${e.crd.metadata.uid}/${e.crd.metadata.resourceVersion}/${e.version}`;
      let d = crdDefs.get(k);
      if (!d) {
        const r = crdSchemaToDefinition(e.crd, e.version);
        d = { name: r.name, definitions: r.definitions };
        crdDefs.set(k, d);
      }
      return d;
    }
    return { name: schemaForKind(e.group, e.version, e.kind) };
  };

  const documents = (): Map<string, { body: string; hash: string }> => {
    if (cache.generation === catalog.generation) return cache.docs;
    const byGv = new Map<string, ResourceEntry[]>();
    for (const e of catalog.all()) {
      const gv = e.group ? `apis/${e.group}/${e.version}` : `api/${e.version}`;
      if (!byGv.has(gv)) byGv.set(gv, []);
      byGv.get(gv)!.push(e);
    }
    const docs = new Map<string, { body: string; hash: string }>();
    for (const [gv, es] of byGv) {
      let extra: Definitions | undefined;
      for (const e of es) if (e.crd) extra = { ...(extra ?? {}), ...(defFor(e).definitions ?? {}) };
      const lazy = { gv, es, extra, built: undefined as undefined | { body: string; hash: string } };
      // documents are built on first request; the index needs their hashes, so build eagerly but only once per catalog change
      const doc = buildOpenApiV3Document(
        gv.replace(/^apis?\//, ''),
        lazy.es.map((e) => ({
          group: e.group,
          version: e.version,
          kind: e.kind,
          resource: e.resource,
          namespaced: e.namespaced,
          verbs: e.verbs,
          custom: !!e.crd,
        })),
        lazy.extra,
      );
      docs.set(gv, serializeOpenApiDocument(doc));
    }
    cache.docs = docs;
    cache.generation = catalog.generation;
    return docs;
  };

  return {
    checkFields(e, obj, mode, only, patched) {
      const d = defFor(e);
      if (!d.name) return [];
      const part: Record<string, unknown> = only ? {} : obj;
      if (only) for (const k of only) if (k in obj) part[k] = obj[k];
      const r = decodeStrict(d.name, part, mode, d.definitions ? { definitions: d.definitions } : undefined);
      const msg = formatDecodeError(e.kind, e.version, r, mode);
      if (msg && patched) {
        const first = r.typeErrors.find((x) => x.type === 'FieldValueInvalid') ?? r.typeErrors[0];
        const detail = first
          ? patched.flavor === 'strategic'
            ? converterMessage(first)
            : (first.detail ?? '')
          : 'strict decoding error: ' + r.errors.join(', ');
        throw patchInvalid(patched.flavor === 'strategic' ? goPrint(patched.patch) : goSortedJson(obj), detail);
      }
      if (msg) throw errBadRequest(msg);
      // typed decoding drops fields the schema does not know
      const pruned = r.object as KObject;
      if (pruned && typeof pruned === 'object') {
        for (const k of Object.keys(part)) if (!(k in pruned)) delete obj[k];
        for (const k of Object.keys(pruned)) obj[k] = (pruned as any)[k];
      }
      return mode === 'Warn' ? r.errors : [];
    },
    applyPatch(e, mt, cur, patch, defName) {
      try {
        if (mt === 'application/json-patch+json') {
          if (!Array.isArray(patch)) throw errBadRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
          // `cur` is the registry's private copy of the stored object
          return jsonPatch(cur, patch, { inPlace: true }) as KObject;
        }
        if (mt === 'application/merge-patch+json') return jsonMergePatch(cur, patch) as KObject;
        const name = defName ?? defFor(e).name;
        if (!name) return jsonMergePatch(cur, patch) as KObject;
        return strategicMergePatch(cur, patch, name, defFor(e).definitions) as KObject;
      } catch (err) {
        if (err instanceof JsonPatchError) throw jsonPatchStatusError(err);
        if ((err as { status?: unknown }).status) throw err;
        throw statusError(422, 'Invalid', (err as Error).message);
      }
    },
    serverSideApply(e, cur, applied, manager, force, subresource) {
      const want = apiVersionOf(e.group, e.version);
      if (applied.apiVersion !== want || applied.kind !== e.kind) {
        throw errBadRequest(`the API version in the data (${applied.apiVersion}) does not match the expected API version (${want})`);
      }
      const d = defFor(e);
      const r = ssaApply(cur, applied, manager, {
        force,
        defName: d.name,
        definitions: d.definitions,
        apiVersion: want,
        subresource,
        trackStatus: !e.subresources.includes('status'),
      });
      if (r.conflicts.length && !force) throw applyConflictError(r.conflicts);
      const o = r.object as KObject;
      o.metadata.managedFields = r.managedFields;
      return o;
    },
    manageFields(e, obj, old, manager, operation, subresource) {
      const d = defFor(e);
      obj.metadata.managedFields = updateManagedFields(old, obj, manager, operation, apiVersionOf(e.group, e.version), {
        subresource,
        defName: d.name,
        definitions: d.definitions,
        trackStatus: !e.subresources.includes('status'),
      });
    },
    serveOpenApiV3(path, req) {
      const docs = documents();
      if (path === '/openapi/v3') {
        const idx = buildOpenApiV3Index(Object.fromEntries([...docs].map(([k, v]) => [k, v.body])));
        return { kind: 'json', status: 200, body: idx } as ApiResponse;
      }
      const key = path.replace(/^\/openapi\/v3\//, '');
      const d = docs.get(key);
      if (!d)
        return { kind: 'json', status: 404, body: statusError(404, 'NotFound', 'the server could not find the requested resource', {}).status } as ApiResponse;
      void req;
      return { kind: 'raw', status: 200, body: d.body, contentType: 'application/json' } as ApiResponse;
    },
    serveOpenApiV2(req) {
      if (v2.generation !== catalog.generation) {
        let defs: Definitions = getDefinitions();
        for (const e of catalog.all()) if (e.crd) defs = { ...defs, ...(defFor(e).definitions ?? {}) };
        v2.json = swaggerDocument(defs, KUBE_GIT_VERSION);
        v2.proto = undefined;
        v2.text = undefined;
        v2.generation = catalog.generation;
      }
      if (/protobuf/.test(req.headers.accept ?? '')) {
        if (!hasWireType(GNOSTIC_DOCUMENT))
          return { kind: 'json', status: 406, body: statusError(406, 'NotAcceptable', 'only the following media types are accepted: application/json').status };
        v2.proto ??= encodeMessage(GNOSTIC_DOCUMENT, gnosticDocument(v2.json!));
        // the media type without '@', which Go's mime parser refuses (kube-openapi answers the same)
        return { kind: 'raw', status: 200, body: v2.proto, contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' };
      }
      return { kind: 'raw', status: 200, body: (v2.text ??= JSON.stringify(v2.json)), contentType: 'application/json' };
    },
  };
}
