// Names derived from a pod template, shaped like upstream's: a 32-bit FNV-1a hash of the template (plus the
// collision count), printed in decimal and re-encoded with SafeEncodeString's alphabet (no vowels, no 0/1/3),
// e.g. "5d4c8b7f6". Upstream hashes Go's struct dump; we hash canonical JSON, so values differ but the shape matches.

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped onto the safe alphabet by its code */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** JSON with object keys sorted, so equal objects hash equally whatever order their fields arrived in */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return (
    '{' +
    Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k]))
      .join(',') +
    '}'
  );
}

function hashWithCollisions(data: string, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(data));
  if (collisionCount !== undefined && collisionCount !== null) {
    // the collision count is mixed in as four little-endian bytes, as upstream does
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

/** controller.ComputeHash: the pod-template-hash of a Deployment's template (DaemonSets use it for revisions too) */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  return hashWithCollisions(canonicalJson(template ?? {}), collisionCount);
}

/** history.HashControllerRevision: hash of a ControllerRevision's data */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  return hashWithCollisions(canonicalJson(data ?? {}), collisionCount);
}
