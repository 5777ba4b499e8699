// The YAML editor's apply: each document is server-side applied (optionally as a server dry run), and the
// API's own Status (422 Invalid with field causes, 403, 404 …) comes back per document, with each field path
// located on a line of the editor's text so the UI can mark it inline.
import { parseAllDocuments, isMap, isSeq, type Document, type Node as YamlNode } from 'yaml';
import { StatusError, type Catalog, type Client } from '../cluster';
import type { ApiFieldError, ApplyItemResult, ApplyResult } from './ipc-contract';

/** `spec.containers[0].image` → ['spec', 'containers', 0, 'image'] */
export function splitFieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** the deepest node of the path that exists in the document, so a missing field points at its parent */
export function locateField(doc: Document, text: string, field: string): number | undefined {
  let node: unknown = doc.contents;
  let found: YamlNode | undefined;
  for (const key of splitFieldPath(field)) {
    if (isMap(node)) {
      const pair = node.items.find((p: any) => String(p.key?.value ?? p.key) === String(key));
      if (!pair) break;
      found = (pair.key as YamlNode) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      found = node as YamlNode;
    } else break;
  }
  const start = found?.range?.[0] ?? (doc.contents as YamlNode | null)?.range?.[0];
  return start === undefined ? undefined : lineOf(text, start);
}

/**
 * Strict field validation answers 400 BadRequest with the offending fields only in its message ("strict decoding
 * error: unknown field \"spec.foo\", duplicate field \"a\"", or for apply "\.spec.foo: field not declared in
 * schema"), not as causes: they are read back out so the editor can mark them like any other field error.
 */
export function strictDecodingFields(message: string): { field: string; message: string; reason: string }[] {
  const out: { field: string; message: string; reason: string }[] = [];
  for (const m of message.matchAll(/(unknown|duplicate) field "([^"]+)"/g))
    out.push({ field: m[2], message: `${m[1]} field`, reason: m[1] === 'unknown' ? 'FieldValueUnknown' : 'FieldValueDuplicate' });
  for (const m of message.matchAll(/(?:^|[\s,])\.([\w.[\]-]+): field not declared in schema/g))
    out.push({ field: m[1], message: 'field not declared in schema', reason: 'FieldValueUnknown' });
  return out;
}

export async function applyYaml(client: Client, catalog: Catalog, text: string, dryRun: boolean, defaultNamespace = 'default'): Promise<ApplyResult> {
  const docs = parseAllDocuments(text);
  const items: ApplyItemResult[] = [];
  let index = 0;
  for (const doc of docs) {
    if (!(doc as Document).contents) continue;
    const i = index++;
    const fail = (code: number, reason: string, message: string, fields: ApiFieldError[] = []) =>
      items.push({ index: i, kind: '', name: '', ok: false, error: { code, reason, message, fields } });
    if ('errors' in doc && doc.errors.length) {
      const e = doc.errors[0];
      fail(400, 'BadRequest', `error parsing YAML: ${e.message}`, [{ field: '', message: e.message, reason: 'YAMLSyntax', line: e.linePos?.[0]?.line }]);
      continue;
    }
    const obj = doc.toJS() as any;
    if (!obj || typeof obj !== 'object' || !obj.apiVersion || !obj.kind) {
      fail(400, 'BadRequest', "Object 'Kind' is missing or apiVersion is not set", [
        { field: 'kind', message: 'Required value', reason: 'FieldValueRequired', line: locateField(doc as Document, text, 'kind') },
      ]);
      continue;
    }
    const [group, version] = String(obj.apiVersion).includes('/') ? String(obj.apiVersion).split('/', 2) : ['', String(obj.apiVersion)];
    const entry = catalog.all().find((e) => e.group === group && e.version === version && e.kind === obj.kind && !e.resource.includes('/'));
    const name = obj.metadata?.name ?? '';
    if (!entry) {
      items.push({
        index: i,
        kind: obj.kind,
        name,
        ok: false,
        error: { code: 404, reason: 'NotFound', message: `no matches for kind "${obj.kind}" in version "${obj.apiVersion}"`, fields: [] },
      });
      continue;
    }
    const ns = entry.namespaced ? (obj.metadata?.namespace ?? defaultNamespace) : undefined;
    const gvr = { group, version, resource: entry.resource };
    try {
      if (!name)
        throw new StatusError({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          code: 422,
          reason: 'Invalid',
          message: `${obj.kind}: metadata.name: Required value: name is required`,
          details: { causes: [{ field: 'metadata.name', message: 'Required value: name is required', reason: 'FieldValueRequired' }] },
        });
      const existed = await client.get(gvr, ns, name).then(
        () => true,
        () => false,
      );
      const before = existed ? await client.get(gvr, ns, name) : undefined;
      const after = await client.patch(gvr, ns, name, 'apply', obj, { fieldManager: 'kubelab-ui', force: true, dryRun, fieldValidation: 'Strict' });
      const action = !existed ? 'created' : before?.metadata.resourceVersion === after.metadata.resourceVersion ? 'unchanged' : 'configured';
      items.push({ index: i, kind: obj.kind, name, namespace: ns, ok: true, action: dryRun ? `${action} (server dry run)` : action });
    } catch (e) {
      if (!(e instanceof StatusError)) {
        items.push({
          index: i,
          kind: obj.kind,
          name,
          namespace: ns,
          ok: false,
          error: { code: 500, reason: 'InternalError', message: (e as Error).message, fields: [] },
        });
        continue;
      }
      const s = e.status;
      const causes = (s.details?.causes ?? []).filter((c) => c.field).map((c) => ({ field: c.field!, message: c.message ?? '', reason: c.reason ?? '' }));
      const fields: ApiFieldError[] = [...causes, ...(s.code === 400 ? strictDecodingFields(s.message ?? '') : [])].map((c) => ({
        ...c,
        line: locateField(doc as Document, text, c.field),
      }));
      items.push({
        index: i,
        kind: obj.kind,
        name,
        namespace: ns,
        ok: false,
        error: { code: s.code, reason: s.reason ?? '', message: s.message ?? '', fields },
      });
    }
  }
  return { ok: items.length > 0 && items.every((x) => x.ok), dryRun, items };
}
