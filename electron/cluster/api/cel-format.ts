// Kubernetes' CEL format library (k8s.io/apiserver/pkg/cel/library format.go): format.named(name) gives an optional
// format, format.<name>() the format itself, and <format>.validate(s) optional.none() for a valid string or the list
// of upstream's validation messages. The name formats reuse the API's own name checks; uuid, byte, date and datetime
// are the very checkers of CRD schemas' `format:` (openapi/strfmt.ts), as upstream asks strfmt's registry for both.
// uri keeps its own call: the same test as strfmt's (Go's url.ParseRequestURI), but CEL answers Go's parse error.
import { Optional, type Environment } from '@marcbachmann/cel-js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, maskTrailingDash } from './validation/names';
import { goURLError } from './cel-url';
import { isBase64, isDate, isDateTime, isUUID } from './openapi/strfmt';

export class CelFormat {
  constructor(
    readonly name: string,
    readonly check: (s: string) => string[],
  ) {}
}
class FormatNamespace {}

const asPrefix = (f: (s: string) => string[]) => (s: string) => f(maskTrailingDash(s));
const unless = (ok: (s: string) => boolean, msg: string) => (s: string) => (ok(s) ? [] : [msg]);

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
  uuid: new CelFormat('uuid', unless(isUUID, 'does not match the UUID format')),
  byte: new CelFormat('byte', unless(isBase64, 'invalid base64')),
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
