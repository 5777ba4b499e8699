// Request body decoding: JSON or YAML, size limits, and the errors upstream gives for malformed input.
import YAML from 'yaml';
import { errBadRequest, errTooLarge, statusError } from '../api/errors';
import type { ApiRequest } from './request';
import { decodeK8sProtobuf, isProtobufMediaType } from '../api/protobuf/decode';
import { clone } from '../api/object';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function mediaType(req: ApiRequest): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
}

/** Parses the body into a plain value; in-process callers hand over objects directly. */
export function decodeBody(req: ApiRequest): unknown {
  if (req.bodyObject !== undefined) return clone(req.bodyObject);
  const raw = req.body;
  if (!raw || raw.length === 0) throw errBadRequest('the body of the request was empty');
  if (raw.length > MAX_BODY_BYTES) throw errTooLarge('Request entity too large: limit is 3145728');
  const mt = mediaType(req);
  // client-go ≥ 0.32 (kubectl 1.32+, helm 4) sends built-in types as protobuf
  if (isProtobufMediaType(mt)) return decodeK8sProtobuf(raw).object;
  const text = raw.toString('utf8');
  if (mt.includes('protobuf') || mt.includes('cbor')) {
    throw statusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
    );
  }
  if (mt.includes('yaml')) {
    try {
      const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, intAsBigInt: false });
      if (docs.length !== 1) throw new Error('expected exactly one YAML document');
      const d = docs[0];
      if (d.errors.length) throw new Error(d.errors[0].message);
      const value = d.toJS({ maxAliasCount: 100 });
      const loop = selfContainingAnchor(d);
      if (loop !== undefined) throw new Error(`yaml: anchor '${loop}' value contains itself`);
      return value;
    } catch (err) {
      throw errBadRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw errBadRequest(`${jsonSyntaxMessage(err as Error)}`);
  }
}

function jsonSyntaxMessage(err: Error): string {
  // Go's encoding/json phrasing for the common cases
  const m = /Unexpected token (.) in JSON at position (\d+)|Unexpected end of JSON input/.exec(err.message);
  if (m && m[1]) return `invalid character '${m[1]}' looking for beginning of value`;
  if (/end of JSON/.test(err.message)) return 'unexpected end of JSON input';
  return `invalid JSON: ${err.message}`;
}

export interface Accept {
  table: boolean;
  partialMetadata: boolean;
  includeObject: 'None' | 'Metadata' | 'Object';
  aggregatedDiscovery?: 'v2' | 'v2beta1';
  yaml: boolean;
}

/** Picks the first acceptable representation from the Accept header (kubectl lists Table first, then JSON). */
export function negotiate(req: ApiRequest): Accept {
  const accept = req.headers['accept'] ?? '';
  const res: Accept = { table: false, partialMetadata: false, includeObject: 'Metadata', yaml: false };
  const io = req.query.get('includeObject');
  if (io === 'None' || io === 'Object' || io === 'Metadata') res.includeObject = io;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
    }
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/yaml') continue;
    if (p.as === 'Table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) {
      res.table = true;
      return res;
    }
    if ((p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') && p.g === 'meta.k8s.io') {
      res.partialMetadata = true;
      return res;
    }
    if (p.as === 'APIGroupDiscoveryList' && p.g === 'apidiscovery.k8s.io') {
      res.aggregatedDiscovery = p.v === 'v2beta1' ? 'v2beta1' : 'v2';
      return res;
    }
    if (p.as) continue;
    if (type === 'application/yaml') res.yaml = true;
    return res;
  }
  return res;
}

/** an anchor whose value contains an alias of itself: JSON (and upstream's YAML→JSON step) cannot represent it */
function selfContainingAnchor(doc: YAML.Document): string | undefined {
  let found: string | undefined;
  const open = new Set<string>();
  const walk = (n: unknown): void => {
    if (found !== undefined || !n || typeof n !== 'object') return;
    if (YAML.isAlias(n)) {
      if (open.has(n.source)) found = n.source;
      return;
    }
    const anchor = (n as { anchor?: string }).anchor;
    if (anchor) open.add(anchor);
    if (YAML.isCollection(n))
      for (const it of n.items) {
        if (YAML.isPair(it)) {
          walk(it.key);
          walk(it.value);
        } else walk(it);
      }
    if (anchor) open.delete(anchor);
  };
  walk(doc.contents);
  return found;
}
