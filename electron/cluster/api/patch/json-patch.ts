// JSON patch (RFC 6902, application/json-patch+json) with the error texts of the json-patch library
// kube-apiserver uses, so a failing operation reads the same as upstream.
import { type StatusError, statusError } from '../errors';
import { isObject } from './typed';
import { deepEqual } from '../object';

export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/**
 * Thrown by jsonPatch. `kind` tells the API server how upstream answers:
 * - 'decode': the body is not a JSON array of operations → 400 BadRequest with `message`.
 * - 'apply': an operation failed → 422 via jsonPatchStatusError (message "the server rejected our request due
 *   to an error in our request", the library text in details.causes[0].message — kubectl prints the cause).
 */
export class JsonPatchError extends Error {
  constructor(
    message: string,
    public readonly kind: 'decode' | 'apply',
  ) {
    super(message);
  }
}

/** The Status upstream returns for a JSON patch error (NewGenericServerResponse 422 or BadRequest). */
export function jsonPatchStatusError(err: JsonPatchError): StatusError {
  if (err.kind === 'decode') return statusError(400, 'BadRequest', err.message);
  return statusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: err.message }],
  });
}

const MISSING = 'missing value';
const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

type Container = Record<string, unknown> | unknown[];

/** The container holding the last token of `path`, or undefined when an intermediate step is missing. */
function findParent(doc: unknown, path: string): { con: Container; key: string } | undefined {
  const parts = path.split('/');
  if (parts.length < 2) return undefined;
  let cur: unknown = doc;
  for (const raw of parts.slice(1, -1)) {
    const p = unescape(raw);
    if (Array.isArray(cur)) cur = /^\d+$/.test(p) ? cur[Number(p)] : undefined;
    else if (isObject(cur)) cur = cur[p];
    else return undefined;
    if (cur === undefined || cur === null || typeof cur !== 'object') return undefined;
  }
  return { con: cur as Container, key: unescape(parts[parts.length - 1]) };
}

function get(con: Container, key: string): { ok: boolean; value?: unknown } {
  if (Array.isArray(con)) {
    const i = Number(key);
    return /^\d+$/.test(key) && i < con.length ? { ok: true, value: con[i] } : { ok: false };
  }
  return Object.prototype.hasOwnProperty.call(con, key) ? { ok: true, value: con[key] } : { ok: false };
}

function add(con: Container, key: string, value: unknown, path: string): void {
  if (!Array.isArray(con)) {
    con[key] = value;
    return;
  }
  const i = key === '-' ? con.length : Number(key);
  if (!/^(\d+|-)$/.test(key) || i > con.length)
    throw new JsonPatchError(`error in add for path: '${path}': Unable to access invalid index: ${i}: invalid index referenced`, 'apply');
  con.splice(i, 0, value);
}

function remove(con: Container, key: string, path: string, verb = 'remove'): unknown {
  if (Array.isArray(con)) {
    const i = Number(key);
    if (!/^\d+$/.test(key) || i >= con.length)
      throw new JsonPatchError(`error in ${verb} for path: '${path}': Unable to remove invalid index: ${i}: invalid index referenced`, 'apply');
    return con.splice(i, 1)[0];
  }
  if (!Object.prototype.hasOwnProperty.call(con, key))
    throw new JsonPatchError(`error in ${verb} for path: '${path}': unable to remove nonexistent key: ${key}: ${MISSING}`, 'apply');
  const v = con[key];
  delete con[key];
  return v;
}

function decode(ops: unknown): JsonPatchOperation[] {
  if (!Array.isArray(ops)) throw new JsonPatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', 'decode');
  for (const op of ops) {
    if (!isObject(op))
      throw new JsonPatchError(`json: cannot unmarshal ${Array.isArray(op) ? 'array' : typeof op} into Go value of type jsonpatch.Operation`, 'decode');
  }
  return ops as JsonPatchOperation[];
}

/**
 * Applies RFC 6902 operations to a copy of `original` (to `original` itself with `inPlace`, for callers that own
 * a private copy and drop it on error). Throws JsonPatchError (see its doc for the status).
 */
export function jsonPatch<T>(original: T, ops: unknown, opts: { inPlace?: boolean } = {}): T {
  const list = decode(ops);
  const box = { doc: (opts.inPlace ? original : structuredClone(original)) as unknown };
  for (const op of list) {
    const path = typeof op.path === 'string' ? op.path : '';
    switch (op.op) {
      case 'add': {
        if (path === '') {
          box.doc = structuredClone(op.value);
          break;
        }
        const p = findParent(box.doc, path);
        if (!p) throw new JsonPatchError(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`, 'apply');
        add(p.con, p.key, structuredClone(op.value), path);
        break;
      }
      case 'remove': {
        const p = findParent(box.doc, path);
        if (!p) throw new JsonPatchError(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`, 'apply');
        remove(p.con, p.key, path);
        break;
      }
      case 'replace': {
        if (path === '') {
          box.doc = structuredClone(op.value);
          break;
        }
        const p = findParent(box.doc, path);
        if (!p) throw new JsonPatchError(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`, 'apply');
        if (!get(p.con, p.key).ok) throw new JsonPatchError(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`, 'apply');
        if (Array.isArray(p.con)) p.con[Number(p.key)] = structuredClone(op.value);
        else p.con[p.key] = structuredClone(op.value);
        break;
      }
      case 'move':
      case 'copy': {
        const from = typeof op.from === 'string' ? op.from : '';
        const src = findParent(box.doc, from);
        if (!src) throw new JsonPatchError(`${op.op} operation does not apply: doc is missing from path: ${from}: ${MISSING}`, 'apply');
        const got = get(src.con, src.key);
        if (!got.ok)
          throw new JsonPatchError(
            `error in ${op.op} for path: '${op.op === 'move' ? src.key : from}': unable to get nonexistent key: ${src.key}: ${MISSING}`,
            'apply',
          );
        const value = op.op === 'move' ? remove(src.con, src.key, from, 'move') : structuredClone(got.value);
        const dst = findParent(box.doc, path);
        if (!dst) throw new JsonPatchError(`${op.op} operation does not apply: doc is missing destination path: ${path}: ${MISSING}`, 'apply');
        add(dst.con, dst.key, value, path);
        break;
      }
      case 'test': {
        if (path === '') {
          if (!deepEqual(box.doc, op.value)) throw new JsonPatchError(`testing value ${path} failed: test failed`, 'apply');
          break;
        }
        const p = findParent(box.doc, path);
        if (!p) throw new JsonPatchError(`test operation does not apply: is missing path: ${path}: ${MISSING}`, 'apply');
        const got = get(p.con, p.key);
        const actual = got.ok ? got.value : null;
        if (!deepEqual(actual ?? null, op.value ?? null)) throw new JsonPatchError(`testing value ${path} failed: test failed`, 'apply');
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${String(op.op)}: unknown object type`, 'apply');
    }
  }
  return box.doc as T;
}
