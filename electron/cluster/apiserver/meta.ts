// Server-managed metadata: names from generateName, uids, timestamps, resourceVersion, generation.
import { randomUUID, randomInt } from 'node:crypto';
import type { KObject } from '../api/types';
import { rfc3339 } from '../api/time';

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** upstream's SimpleNameGenerator: 5 characters from an alphabet without vowels and confusable digits */
export function generateNameSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return s;
}

export function nowRfc3339(d = new Date()): string {
  return rfc3339(d);
}

/** fields the server owns: never taken from the client on create */
export function resetServerMetadata(obj: KObject): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = nowRfc3339();
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete (m as Record<string, unknown>).selfLink;
  if (m.generateName && !m.name) m.name = generatedName(m.generateName);
}

/** a base longer than 58 characters is cut so that base + suffix fits the 63-character name limit */
export function generatedName(generateName: string): string {
  return (generateName.length > 58 ? generateName.slice(0, 58) : generateName) + generateNameSuffix();
}

/** Go's omitempty drops empty finalizer and ownerReference lists; stored objects never carry `[]` there */
export function dropEmptyMetaLists(obj: KObject): void {
  const m = obj.metadata;
  if (Array.isArray(m.finalizers) && m.finalizers.length === 0) delete m.finalizers;
  if (Array.isArray(m.ownerReferences) && m.ownerReferences.length === 0) delete m.ownerReferences;
}

/** on update: identity and lifecycle fields come from the stored object */
export function keepServerMetadata(obj: KObject, old: KObject): void {
  const m = obj.metadata,
    o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  if (o.generateName !== undefined) m.generateName = o.generateName;
  if (o.generation !== undefined) m.generation = o.generation;
  delete (m as Record<string, unknown>).selfLink;
}
