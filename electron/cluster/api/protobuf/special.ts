// Types whose protobuf form differs from their JSON form (custom Go marshalers on both sides).
import { readFields, type WireField } from './wire';

const META = 'k8s.io/apimachinery/pkg/apis/meta/v1';

type SpecialDecoder = (buf: Buffer) => unknown;

const int = (f: WireField | undefined): bigint => (f?.varint === undefined ? 0n : BigInt.asIntN(64, f.varint));
const bytesOf = (f: WireField | undefined): Buffer | undefined => f?.bytes;

function last(buf: Buffer): Map<number, WireField> {
  const m = new Map<number, WireField>();
  for (const f of readFields(buf)) m.set(f.num, f);
  return m;
}

/** Go's zero time.Time serialises as null; otherwise RFC3339 in UTC with `fraction` digits (0 or 6). */
function timestamp(buf: Buffer, fraction: 0 | 6): string | null {
  const f = last(buf);
  const seconds = int(f.get(1));
  const nanos = Number(int(f.get(2)));
  // Go's zero time is year 1, which upstream's proto marshaler writes as an empty message.
  if (seconds === 0n && nanos === 0) return null;
  const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  if (fraction === 0) return `${iso}Z`;
  return `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** time.Duration.String(): "1h2m3.5s", "150ms", "0s". */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  const sign = neg ? '-' : '';
  const frac = (v: bigint, digits: number): string => {
    const s = v.toString().padStart(digits, '0').replace(/0+$/, '');
    return s ? `.${s}` : '';
  };
  if (u < 1_000_000_000n) {
    if (u < 1000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${u / 1000n}${frac(u % 1000n, 3)}µs`;
    return `${sign}${u / 1_000_000n}${frac(u % 1_000_000n, 6)}ms`;
  }
  const secs = u / 1_000_000_000n;
  const sub = frac(u % 1_000_000_000n, 9);
  u = secs;
  const h = u / 3600n;
  const m = (u % 3600n) / 60n;
  const s = u % 60n;
  if (h > 0n) return `${sign}${h}h${m}m${s}${sub}s`;
  if (m > 0n) return `${sign}${m}m${s}${sub}s`;
  return `${sign}${s}${sub}s`;
}

/** Raw JSON carried in a bytes field (RawExtension, FieldsV1, apiextensions JSON). */
function embeddedJson(buf: Buffer): unknown {
  const raw = bytesOf(last(buf).get(1));
  if (!raw || raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    // Not JSON (e.g. a nested protobuf object): keep the bytes visible rather than failing the request.
    return raw.toString('base64');
  }
}

export const SPECIAL_TYPES: Record<string, SpecialDecoder> = {
  [`${META}.Time`]: (b) => timestamp(b, 0),
  [`${META}.MicroTime`]: (b) => timestamp(b, 6),
  [`${META}.Duration`]: (b) => goDuration(int(last(b).get(1))),
  [`${META}.FieldsV1`]: embeddedJson,
  'k8s.io/apimachinery/pkg/runtime.RawExtension': embeddedJson,
  'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSON': embeddedJson,
  'k8s.io/apimachinery/pkg/api/resource.Quantity': (b) => bytesOf(last(b).get(1))?.toString('utf8') ?? '0',
  'k8s.io/apimachinery/pkg/util/intstr.IntOrString': (b) => {
    const f = last(b);
    if (int(f.get(1)) === 1n) return bytesOf(f.get(3))?.toString('utf8') ?? '';
    return Number(BigInt.asIntN(32, f.get(2)?.varint ?? 0n));
  },
};
