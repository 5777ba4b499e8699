// Kubernetes' CEL format library (k8s.io/apiserver/pkg/cel/library format.go): format.named(name) gives an optional
// format, format.<name>() the format itself, and <format>.validate(s) optional.none() for a valid string or the list
// of upstream's validation messages. The name formats reuse the API's own name checks; the CRD formats follow
// kube-openapi's strfmt.
import { Optional, type Environment } from '@marcbachmann/cel-js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './validation/names';
import { goURLError } from './cel-url';

export class CelFormat {
  constructor(
    readonly name: string,
    readonly check: (s: string) => string[],
  ) {}
}
class FormatNamespace {}

/** apimachinery's NameIs… with prefix=true: a generateName may end in '-', checked as if a letter followed */
const asPrefix = (f: (s: string) => string[]) => (s: string) => f(s.length > 1 && s.endsWith('-') ? `${s.slice(0, -1)}a` : s);
const unless = (ok: (s: string) => boolean, msg: string) => (s: string) => (ok(s) ? [] : [msg]);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}
/** strfmt's date-time layouts: RFC 3339 with optional fraction, or without a zone */
function isDateTime(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/.exec(s);
  return !!m && isDate(m[1]) && +m[2] < 24 && +m[3] < 60 && +m[4] < 60;
}

export const FORMATS: Record<string, CelFormat> = {
  dns1123Label: new CelFormat('DNS1123Label', isDNS1123Label),
  dns1123Subdomain: new CelFormat('DNS1123Subdomain', isDNS1123Subdomain),
  dns1035Label: new CelFormat('DNS1035Label', isDNS1035Label),
  qualifiedName: new CelFormat('QualifiedName', isQualifiedName),
  dns1123LabelPrefix: new CelFormat('DNS1123LabelPrefix', asPrefix(isDNS1123Label)),
  dns1123SubdomainPrefix: new CelFormat('DNS1123SubdomainPrefix', asPrefix(isDNS1123Subdomain)),
  dns1035LabelPrefix: new CelFormat('DNS1035LabelPrefix', asPrefix(isDNS1035Label)),
  labelValue: new CelFormat('LabelValue', isValidLabelValue),
  uri: new CelFormat('URI', (s) => {
    const e = goURLError(s);
    return e ? [e] : [];
  }),
  uuid: new CelFormat(
    'uuid',
    unless((s) => UUID.test(s), 'does not match the UUID format'),
  ),
  byte: new CelFormat(
    'byte',
    unless((s) => BASE64.test(s), 'invalid base64'),
  ),
  date: new CelFormat('date', unless(isDate, 'invalid date')),
  datetime: new CelFormat('datetime', unless(isDateTime, 'invalid datetime')),
};

export function registerFormatLibrary(env: Environment): Environment {
  env
    .registerType('kubernetes.NamedFormat', CelFormat)
    .registerType('FormatNamespace', FormatNamespace)
    .registerConstant('format', 'FormatNamespace', new FormatNamespace())
    .registerFunction('FormatNamespace.named(string): optional<kubernetes.NamedFormat>', (_: unknown, name: string) =>
      Object.hasOwn(FORMATS, name) ? Optional.of(FORMATS[name]) : Optional.none(),
    )
    .registerFunction('kubernetes.NamedFormat.validate(string): optional<list<string>>', (f: CelFormat, s: string) => {
      const errs = f.check(s);
      return errs.length ? Optional.of(errs) : Optional.none();
    });
  for (const [name, f] of Object.entries(FORMATS)) env.registerFunction(`FormatNamespace.${name}(): kubernetes.NamedFormat`, () => f);
  return env;
}
