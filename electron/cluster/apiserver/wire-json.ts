// JSON bodies as upstream's serializer writes them: TypeMeta first (kind, then apiVersion), a Status in its Go
// field order, HTML-sensitive characters escaped as encoding/json does, and a trailing newline from its Encoder
// (`?pretty` bodies come from MarshalIndent, which has none).

const STATUS_ORDER = ['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'details', 'code'];

/** the top level of a body with its type fields first; other bodies pass through untouched */
export function typeMetaFirst(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const o = body as Record<string, unknown>;
  if (o.kind === undefined || o.apiVersion === undefined) return body;
  if (o.kind === 'Status' && o.apiVersion === 'v1') {
    const out: Record<string, unknown> = {};
    for (const k of STATUS_ORDER) if (o[k] !== undefined) out[k] = o[k];
    for (const k of Object.keys(o)) if (!(k in out)) out[k] = o[k];
    return out;
  }
  const keys = Object.keys(o);
  if (keys[0] === 'kind' && keys[1] === 'apiVersion') return body;
  // a shallow copy: the body may be a shared, read-only parse
  const { kind, apiVersion, ...rest } = o;
  return { kind, apiVersion, ...rest };
}

const GO_ESCAPED = /[<>&\u2028\u2029]/g;
const goEscape = (c: string) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

/** JSON text of a response body, byte for byte as kube-apiserver encodes it */
export function encodeJsonBody(body: unknown, pretty = false): string {
  const ordered = typeMetaFirst(body);
  const text = pretty ? JSON.stringify(ordered, null, 2) : JSON.stringify(ordered) + '\n';
  return text.replace(GO_ESCAPED, goEscape);
}

/** upstream's isPrettyPrint: `?pretty` read with strconv.ParseBool (bad values are false), else human user agents */
export function wantsPretty(query: URLSearchParams, userAgent: string | undefined): boolean {
  const p = query.get('pretty');
  if (p) return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(p);
  const ua = userAgent ?? '';
  return ua.startsWith('curl') || ua.startsWith('Wget') || ua.startsWith('Mozilla/5.0');
}
