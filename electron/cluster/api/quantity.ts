// resource.Quantity as the API server sees it: parsed exactly (to nano precision, rounding up like upstream)
// and printed in upstream's canonical form, which is what `kubectl get -o yaml` shows back to students.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface ParsedQuantity {
  /** value in thousandths, rounded up (upstream's MilliValue) */
  milli: bigint;
  /** value in billionths: the precision upstream keeps */
  nano: bigint;
  format: QuantityFormat;
}

export const QUANTITY_REGEX_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const DECIMAL_SUFFIX_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX_POW: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const EXP_TO_DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL_SUFFIX_EXP).map(([s, e]) => [e, s]));
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);

/** Division rounding away from zero, as upstream rounds values finer than a nano (or a milli for MilliValue). */
function divAwayFromZero(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a < 0n ? q - 1n : q + 1n;
}

export function parseQuantity(v: string | number): ParsedQuantity {
  const s = typeof v === 'number' ? numberToString(v) : v;
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(s);
  if (!m || s === '' || (m[2] === '' && m[3] === undefined)) throw new Error(QUANTITY_REGEX_MESSAGE);
  const [, sign, intPart, fracPart = '', suffix] = m;
  let scale = -fracPart.length; // value = digits * 10^scale * 1024^binPow
  let binPow = 0;
  let format: QuantityFormat;
  if (suffix in DECIMAL_SUFFIX_EXP) {
    format = 'DecimalSI';
    scale += DECIMAL_SUFFIX_EXP[suffix];
  } else if (suffix in BINARY_SUFFIX_POW) {
    format = 'BinarySI';
    binPow = BINARY_SUFFIX_POW[suffix];
  } else {
    const e = /^[eE]([+-]?[0-9]+)$/.exec(suffix);
    if (!e) throw new Error(QUANTITY_REGEX_MESSAGE);
    format = 'DecimalExponent';
    scale += parseInt(e[1], 10);
  }
  let digits = BigInt(intPart + fracPart || '0') * 1024n ** BigInt(binPow);
  if (sign === '-') digits = -digits;
  const nanoScale = scale + 9;
  const nano = nanoScale >= 0 ? digits * pow10(nanoScale) : divAwayFromZero(digits, pow10(-nanoScale));
  // Upstream turns a fractional binary value that had to be rounded into a decimal one.
  if (format === 'BinarySI' && nanoScale < 0 && digits % pow10(-nanoScale) !== 0n) format = 'DecimalSI';
  return { nano, milli: divAwayFromZero(nano, 1_000_000n), format };
}

function numberToString(n: number): string {
  if (!Number.isFinite(n)) throw new Error(QUANTITY_REGEX_MESSAGE);
  return String(n);
}

export function isQuantity(v: unknown): boolean {
  if (typeof v !== 'string' && typeof v !== 'number') return false;
  try {
    parseQuantity(v);
    return true;
  } catch {
    return false;
  }
}

/** Prints a value the way upstream's Quantity.String() does for the given format. */
export function formatQuantity(nano: bigint, format: QuantityFormat): string {
  if (nano === 0n) return '0';
  const abs = nano < 0n ? -nano : nano;
  if (format === 'BinarySI' && abs >= 1024n * 1_000_000_000n && nano % 1_000_000_000n === 0n) {
    let n = nano / 1_000_000_000n;
    let pow = 0;
    while (pow < 6 && n % 1024n === 0n) {
      n /= 1024n;
      pow++;
    }
    return n.toString() + BINARY_SUFFIXES[pow];
  }
  let mantissa = nano;
  let exp = -9;
  while (mantissa % TEN === 0n) {
    mantissa /= TEN;
    exp++;
  }
  const r = ((exp % 3) + 3) % 3;
  mantissa *= pow10(r);
  exp -= r;
  if (format === 'DecimalExponent') return mantissa.toString() + (exp === 0 ? '' : `e${exp}`);
  const suffix = EXP_TO_DECIMAL_SUFFIX.get(exp);
  return mantissa.toString() + (suffix === undefined ? `e${exp}` : suffix);
}

export function canonicalQuantity(v: string | number): string {
  const q = parseQuantity(v);
  return formatQuantity(q.nano, q.format);
}

export function quantityMilli(v: string | number): number {
  return Number(parseQuantity(v).milli);
}

/** Whole units rounded up (upstream's Quantity.Value()), e.g. bytes of memory. */
export function quantityValue(v: string | number): number {
  return Number(divAwayFromZero(parseQuantity(v).nano, 1_000_000_000n));
}

/** A milli-unit amount printed canonically, e.g. 500 → "500m", 2000 → "2". */
export function formatMilli(milli: number): string {
  return formatQuantity(BigInt(Math.round(milli)) * 1_000_000n, 'DecimalSI');
}

/** -1, 0 or 1 like upstream's Quantity.Cmp. */
export function compareQuantities(a: string | number, b: string | number): number {
  const x = parseQuantity(a).nano;
  const y = parseQuantity(b).nano;
  return x < y ? -1 : x > y ? 1 : 0;
}
