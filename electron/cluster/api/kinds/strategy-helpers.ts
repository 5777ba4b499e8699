// Building blocks shared by the non-core kind strategies (apps, batch, networking, ... all import from here):
// table columns, AGE cells, the generation/status bookkeeping every registry strategy repeats, and small checks.
import type { FieldError } from '../errors';
import { invalid } from '../errors';
import type { TableColumn } from '../kind';
import type { KObject } from '../types';
import { translateTimestampSince } from './core/age';
import { clone, deepEqual } from '../object';

// ---- table columns -------------------------------------------------------------------------------------------
const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const nameCol: TableColumn = { name: 'Name', type: 'string', format: 'name', description: NAME_DOC, priority: 0 };
export const ageCol: TableColumn = { name: 'Age', type: 'string', description: AGE_DOC, priority: 0 };
export const createdAtCol: TableColumn = { name: 'Created At', type: 'date', description: AGE_DOC, priority: 0 };
export function col(name: string, type: TableColumn['type'] = 'string', description = '', priority = 0): TableColumn {
  return { name, type, description, priority };
}
export const wide = (name: string, description = ''): TableColumn => col(name, 'string', description, 1);
export const containersCol = wide('Containers', 'Names of each container in the template.');
export const imagesCol = wide('Images', 'Images referenced by each container in the template.');

export const age = (obj: KObject, now: Date): string => translateTimestampSince(obj.metadata?.creationTimestamp as string | undefined, now);

/** Upstream's layoutContainerCells: comma-joined container names and images. */
export function containerCells(containers: any[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c?.name ?? '').join(','), cs.map((c) => c?.image ?? '').join(',')];
}

// ---- strategy bookkeeping --------------------------------------------------------------------------------------
/** metadata.generation is read-only in kubernetes-types (clients never write it); the server does. */
export function setGeneration(obj: KObject, n: number): void {
  (obj.metadata as { generation?: number }).generation = n;
}
/** PrepareForCreate of kinds with a status subresource and a generation. */
export function resetStatusAndGeneration(obj: KObject, emptyStatus: Record<string, unknown> | undefined = {}): void {
  if (emptyStatus === undefined) delete obj.status;
  else obj.status = clone(emptyStatus);
  setGeneration(obj, 1);
}
/** PrepareForUpdate: the main resource may not write status; spec changes bump the generation. */
export function keepStatusBumpGeneration(obj: KObject, old: KObject, alsoWatch: (o: KObject) => unknown = () => undefined): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = clone(old.status);
  const changed = !deepEqual(obj.spec, old.spec) || !deepEqual(alsoWatch(obj), alsoWatch(old));
  setGeneration(obj, (old.metadata.generation ?? 1) + (changed ? 1 : 0));
}
/** PrepareForUpdate of the status subresource: only status may change. */
export function keepSpec(obj: KObject, old: KObject): void {
  if (old.spec === undefined) delete obj.spec;
  else obj.spec = clone(old.spec);
}

// ---- small validators ------------------------------------------------------------------------------------------
export function nonNegative(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
}
export function positive(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v <= 0 ? [invalid(path, v, 'must be greater than 0')] : [];
}

const PERCENT_RE = /^[0-9]+%$/;
const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
/** ValidatePositiveIntOrPercent. */
export function positiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
  if (typeof v === 'string' && !PERCENT_RE.test(v)) return [invalid(path, v, PERCENT_MSG)];
  return [];
}
/** IsNotMoreThan100Percent. */
export function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'string' || !PERCENT_RE.test(v)) return [];
  return parseInt(v, 10) > 100 ? [invalid(path, v, 'must not be greater than 100%')] : [];
}
/** intstr value as a number, resolving a percent against 100 (only used to test for zero). */
export const intOrPercentIsZero = (v: unknown): boolean => v === 0 || (typeof v === 'string' && PERCENT_RE.test(v) && parseInt(v, 10) === 0);
