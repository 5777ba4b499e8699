// Entry point: Kubernetes protobuf request bodies (kubectl ≥ 1.32 typed clients) → the JSON objects the API
// server handles. Response bodies stay JSON: clients that send protobuf still accept JSON back.
import { errBadRequest, statusError } from '../errors';
import { goTypeCandidates } from './groups';
import { decodeMessage } from './message';
import { getWireSchema } from './schema';
import { readFields } from './wire';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

export interface DecodedProtobuf {
  apiVersion: string;
  kind: string;
  /** The object as JSON would carry it, apiVersion and kind included. */
  object: Record<string, unknown>;
}

/** True for application/vnd.kubernetes.protobuf (parameters and case ignored). */
export function isProtobufMediaType(ct: string): boolean {
  return ct.split(';')[0].trim().toLowerCase() === 'application/vnd.kubernetes.protobuf';
}

/** Whether this build carries a wire schema (false when no kubectl binary was available to derive it). */
export function protobufSupported(): boolean {
  return Object.keys(getWireSchema().types).length > 0;
}

const utf8 = (b: Buffer | undefined): string => (b ?? Buffer.alloc(0)).toString('utf8');

/**
 * Decodes a `k8s\0` + runtime.Unknown envelope. Throws StatusErrors: 415 when the build has no wire
 * schema, 400 for malformed bodies and kinds the schema does not know.
 */
export function decodeK8sProtobuf(buf: Buffer): DecodedProtobuf {
  if (!protobufSupported()) {
    throw statusError(
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
    );
  }
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw errBadRequest('provided input is not a valid Kubernetes protobuf object: missing the "k8s\\x00" prefix');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  let encoding = '';
  for (const f of readFields(buf.subarray(MAGIC.length))) {
    if (f.num === 1) {
      for (const t of readFields(f.bytes ?? Buffer.alloc(0))) {
        if (t.num === 1) apiVersion = utf8(t.bytes);
        else if (t.num === 2) kind = utf8(t.bytes);
      }
    } else if (f.num === 2) raw = f.bytes ?? raw;
    else if (f.num === 3) encoding = utf8(f.bytes);
  }
  if (encoding) throw errBadRequest(`unsupported protobuf content encoding "${encoding}"`);
  if (!kind) throw errBadRequest(`Object 'Kind' is missing in protobuf request body`);
  const types = getWireSchema().types;
  const goType = goTypeCandidates(apiVersion, kind).find((n) => types[n]);
  if (!goType) throw errBadRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
  const body = decodeMessage(goType, raw) as Record<string, unknown>;
  return { apiVersion, kind, object: { apiVersion, kind, ...body } };
}
