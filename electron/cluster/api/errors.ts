// Field errors and Status errors shaped like apimachinery's, so messages match what kubectl users see upstream.

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  /** dotted path with indexes, e.g. `spec.containers[0].image` */
  field: string;
  badValue?: unknown;
  detail?: string;
  /** set when badValue must not be printed (upstream's "omitted" values) */
  omitValue?: boolean;
}

/** Formats a bad value the way Go's %#v does for the common JSON types. */
export function formatBadValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[]' + (v.length && typeof v[0] === 'string' ? 'string' : 'interface {}') + '{' + v.map(formatBadValue).join(', ') + '}';
  return JSON.stringify(v);
}

/** Upstream's field.Error.ErrorBody(). */
export function fieldErrorBody(e: FieldError): string {
  let s: string;
  switch (e.type) {
    case 'FieldValueRequired':
      s = 'Required value';
      break;
    case 'FieldValueForbidden':
      s = 'Forbidden';
      break;
    case 'FieldValueTooLong':
      s = 'Too long';
      break;
    case 'FieldValueTooMany':
      s = e.omitValue || e.badValue === undefined ? 'Too many' : `Too many: ${formatBadValue(e.badValue)}`;
      break;
    case 'InternalError':
      s = 'Internal error';
      break;
    case 'FieldValueNotFound':
      s = `Not found: ${formatBadValue(e.badValue)}`;
      break;
    case 'FieldValueDuplicate':
      s = `Duplicate value: ${formatBadValue(e.badValue)}`;
      break;
    case 'FieldValueNotSupported':
      s = `Unsupported value: ${formatBadValue(e.badValue)}`;
      break;
    case 'FieldValueTypeInvalid':
      s = `Invalid value: ${formatBadValue(e.badValue)}`;
      break;
    default:
      s = e.omitValue || e.badValue === undefined ? 'Invalid value' : `Invalid value: ${formatBadValue(e.badValue)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

// Constructors mirroring field.Required(path, detail) etc.
export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const invalid = (field: string, badValue: unknown, detail = ''): FieldError => ({ type: 'FieldValueInvalid', field, badValue, detail });
export const notSupported = (field: string, badValue: unknown, valid: string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  badValue,
  detail: valid.length ? 'supported values: ' + valid.map((v) => JSON.stringify(v)).join(', ') : '',
});
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const duplicate = (field: string, badValue: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, badValue });
export const notFound = (field: string, badValue: unknown): FieldError => ({ type: 'FieldValueNotFound', field, badValue });
export const tooLong = (field: string, badValue: unknown, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  badValue,
  omitValue: true,
  detail: `may not be more than ${max} bytes`,
});
export const tooMany = (field: string, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field,
  badValue: actual,
  detail: `must have at most ${max} items`,
});
export const immutable = (field: string, badValue?: unknown): FieldError => ({
  type: 'FieldValueInvalid',
  field,
  badValue,
  omitValue: badValue === undefined,
  detail: 'field is immutable',
});

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** An error that the API server turns into a `Status` body with `code`. */
export class StatusError extends Error {
  constructor(public readonly status: Status) {
    super(status.message ?? status.reason ?? 'error');
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

export function statusError(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  // the field order of upstream's Status type, which its encoder keeps
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
  if (!details) delete status.details;
  return new StatusError(status);
}

/** `Kind.group` as upstream's schema.GroupKind.String() prints it (no dot for the core group). */
export function qualifiedKind(group: string, kind: string): string {
  return group ? `${kind}.${group}` : kind;
}
/** `resource.group` as upstream's GroupResource.String() prints it. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const errNotFound = (group: string, resource: string, name: string) =>
  statusError(404, 'NotFound', `${qualifiedResource(group, resource)} "${name}" not found`, { name, group: group || undefined, kind: resource });
export const errAlreadyExists = (group: string, resource: string, name: string) =>
  statusError(409, 'AlreadyExists', `${qualifiedResource(group, resource)} "${name}" already exists`, { name, group: group || undefined, kind: resource });
export const errConflict = (group: string, resource: string, name: string, why: string) =>
  statusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ${why}`, {
    name,
    group: group || undefined,
    kind: resource,
  });
export const errBadRequest = (message: string) => statusError(400, 'BadRequest', message);
export const errForbidden = (message: string, details?: StatusDetails) => statusError(403, 'Forbidden', message, details);
export const errMethodNotAllowed = (message: string) => statusError(405, 'MethodNotAllowed', message);
export const errGone = (message: string) => statusError(410, 'Expired', message);
export const errInternal = (message: string) => statusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
export const errTooLarge = (message = 'the request is too large') => statusError(413, 'RequestEntityTooLarge', message);
export const errUnsupportedMedia = (ct: string) =>
  statusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    { kind: ct },
  );

/** 422 Invalid, formatted as upstream's errors.NewInvalid. */
export function errInvalid(group: string, kind: string, name: string, errs: FieldError[]): StatusError {
  const qk = qualifiedKind(group, kind);
  const msgs = errs.map(fieldErrorString);
  const agg = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
  return statusError(422, 'Invalid', msgs.length ? `${qk} "${name}" is invalid: ${agg}` : `${qk} "${name}" is invalid`, {
    name,
    group: group || undefined,
    kind,
    causes: errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}
