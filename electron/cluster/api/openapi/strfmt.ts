// The string formats of kube-openapi's strfmt registry: what a structural schema's `format:` checks, and what CEL's
// format library (cel-format.ts) asks the same registry for uuid, byte, date and datetime — one set of checkers, so
// that `format: date` and `format.date().validate(...)` cannot disagree.
import { goURLError } from '../cel-url';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const isIPv6 = (v: string) => v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v) && (v.match(/::/g) ?? []).length <= 1 && v.split(':').length <= 8;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
// govalidator's base64: whole quanta only, so the empty string is not base64
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
// the time after the 'T': seconds' fraction after any one character, as upstream's pattern has it, and a zone
const TIME_OF_DAY = /^(\d{2}):(\d{2}):(\d{2})(.\d+)?(z|[+-]\d{2}:\d{2})$/;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Go's time.Parse("2006-01-02"): the day must exist in that month (no 2023-02-30); year 0000 is a year */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  const days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return days !== undefined && d >= 1 && d <= days;
}

/** strfmt's IsDateTime: a date, a 't' (either case; not a space) and a time of day with its zone */
export function isDateTime(s: string): boolean {
  const [date, time] = s.toLowerCase().split('t');
  const m = time === undefined ? null : TIME_OF_DAY.exec(time);
  return !!m && isDate(date) && m[1] <= '23' && m[2] <= '59' && m[3] <= '59';
}

export const isUUID = (s: string) => UUID.test(s);
export const isBase64 = (s: string) => BASE64.test(s);

/**
 * The registry by normalised name (upstream drops the dashes, so `date-time` is `datetime`). Formats CRDs may declare
 * that are not here are accepted as written.
 */
const STRFMT: Record<string, (v: string) => boolean> = {
  datetime: isDateTime,
  date: isDate,
  uuid: isUUID,
  byte: isBase64,
  // govalidator's IsRequestURI is Go's url.ParseRequestURI succeeding
  uri: (v) => goURLError(v) === undefined,
  ipv4: (v) => IPV4.test(v),
  ipv6: isIPv6,
  cidr: (v) => {
    const [ip, bits, ...rest] = v.split('/');
    return rest.length === 0 && /^\d+$/.test(bits ?? '') && (IPV4.test(ip) ? Number(bits) <= 32 : isIPv6(ip) && Number(bits) <= 128);
  },
  hostname: (v) => HOSTNAME.test(v),
  email: (v) => /^[^@\s]+@[^@\s]+$/.test(v),
  mac: (v) => /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(v),
  duration: (v) => /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/.test(v),
};

/** the registry's checker for a schema's format, if it has one */
export function strfmtChecker(format: string): ((v: string) => boolean) | undefined {
  const name = format.replaceAll('-', '');
  return Object.hasOwn(STRFMT, name) ? STRFMT[name] : undefined;
}
