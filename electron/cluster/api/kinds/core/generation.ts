// metadata.generation bookkeeping (kubernetes-types marks it read-only because clients must not set it).
import type { KObject } from '../../types';

type Writable = { generation?: number };

export function setInitialGeneration(obj: KObject): void {
  (obj.metadata as Writable).generation = 1;
}

/** Keeps the stored generation and adds one when the spec changed, as upstream's PrepareForUpdate does. */
export function bumpGenerationOnSpecChange(obj: KObject, old: KObject): void {
  const prev = old.metadata.generation ?? 1;
  const changed = JSON.stringify(obj.spec ?? null) !== JSON.stringify(old.spec ?? null);
  (obj.metadata as Writable).generation = changed ? prev + 1 : prev;
}
