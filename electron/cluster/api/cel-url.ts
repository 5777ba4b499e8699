// Kubernetes' CEL URL library (k8s.io/apiserver/pkg/cel/library urls.go): url(), isURL() and the URL getters. The
// parsing follows Go's net/url as the library uses it: ParseRequestURI decides whether a string is a URL (an absolute
// URI or an absolute path; the fragment is not split off), Parse then gives the parts; errors keep Go's wording.
import type { Environment } from '@marcbachmann/cel-js';
import { method } from './cel-method';

export class CelURL {
  constructor(
    readonly scheme: string,
    readonly host: string,
    /** the path as written (still escaped) */
    readonly rawPath: string,
    readonly rawQuery: string,
  ) {}
}

const fail = (raw: string, why: string): never => {
  throw new Error(`parse ${JSON.stringify(raw)}: ${why}`);
};

/** Go's getScheme: letters first, then letters, digits, '+', '-', '.', up to a ':' */
function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) fail(raw, 'missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

const validPort = (p: string) => p === '' || /^:[0-9]*$/.test(p);
// the characters Go leaves unescaped in a host (shouldEscape in encodeHost mode)
const HOST_OK = /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/;

function checkEscapes(raw: string, s: string): void {
  const bad = /%(?![0-9a-fA-F]{2})(.{0,2})/s.exec(s);
  if (bad) fail(raw, `invalid URL escape ${JSON.stringify(bad[0])}`);
}

function parseHost(raw: string, host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) fail(raw, "missing ']' in host");
    const port = host.slice(i + 1);
    if (!validPort(port)) fail(raw, `invalid port ${JSON.stringify(port)} after host`);
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0 && !validPort(host.slice(i))) fail(raw, `invalid port ${JSON.stringify(host.slice(i))} after host`);
  }
  checkEscapes(raw, host);
  for (const c of host) if (c !== '%' && c.charCodeAt(0) < 0x80 && !HOST_OK.test(c)) fail(raw, `invalid character ${JSON.stringify(c)} in host name`);
  return host;
}

/** Go's url.parse; viaRequest is ParseRequestURI (no fragment split, a relative path refused) */
function goParse(raw: string, viaRequest: boolean): CelURL {
  if (/[\x00-\x1f\x7f]/.test(raw)) fail(raw, 'net/url: invalid control character in URL');
  if (raw === '' && viaRequest) fail(raw, 'empty url');
  let rest = raw;
  if (!viaRequest) rest = rest.split('#')[0];
  const [scheme, afterScheme] = splitScheme(rest);
  rest = afterScheme;
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) [rest, query] = [rest.slice(0, q), rest.slice(q + 1)];
  if (!rest.startsWith('/')) {
    if (scheme) return new CelURL(scheme.toLowerCase(), '', '', query);
    if (viaRequest) fail(raw, 'invalid URI for request');
  }
  let host = '';
  if ((scheme || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    [authority, rest] = slash >= 0 ? [authority.slice(0, slash), authority.slice(slash)] : [authority, ''];
    host = parseHost(raw, authority.slice(authority.lastIndexOf('@') + 1));
  }
  checkEscapes(raw, rest);
  return new CelURL(scheme.toLowerCase(), host, rest, query);
}

/** Go's url.ParseRequestURI error text for s, undefined for a URL */
export function goURLError(s: string): string | undefined {
  try {
    goParse(s, true);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function toURL(s: string): CelURL {
  try {
    goParse(s, true);
    return goParse(s, false);
  } catch (e) {
    throw new Error(`URL parse error during conversion from string: ${(e as Error).message}`);
  }
}

/** Go's URL.Hostname and URL.Port: the port only when what follows the last ':' is digits */
function splitHostPort(host: string): [string, string] {
  const i = host.lastIndexOf(':');
  const [name, port] = i >= 0 && validPort(host.slice(i)) ? [host.slice(0, i), host.slice(i + 1)] : [host, ''];
  return [name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name, port];
}

// the characters Go leaves as they are in an escaped path (validEncoded)
const PATH_OK = /^[A-Za-z0-9\-_.~!$&'()*+,;=:@/[\]%]*$/;
const PATH_KEEP = /[A-Za-z0-9\-_.~$&+,/:;=@]/;

function escapedPath(u: CelURL): string {
  if (PATH_OK.test(u.rawPath)) return u.rawPath;
  let out = '';
  for (const c of decodeURIComponentLoose(u.rawPath))
    out += PATH_KEEP.test(c) ? c : [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return out;
}

function decodeURIComponentLoose(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Go's url.ParseQuery as URL.Query uses it: '&'-separated, '+' is a space, pairs that do not decode are dropped */
function query(u: CelURL): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (!pair || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const [k, v] = eq >= 0 ? [pair.slice(0, eq), pair.slice(eq + 1)] : [pair, ''];
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(k.replace(/\+/g, ' '));
      value = decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      continue;
    }
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

export function registerURLLibrary(env: Environment): Environment {
  const getter = (name: string, f: (u: CelURL) => string) => env.registerFunction(method(name, 'kubernetes.URL', 'string', [], f));
  env
    .registerType('kubernetes.URL', CelURL)
    .registerFunction('url(string): kubernetes.URL', toURL)
    .registerFunction('isURL(string): bool', (s: string) => goURLError(s) === undefined)
    .registerFunction(method('getQuery', 'kubernetes.URL', 'map<string, list<string>>', [], query));
  getter('getScheme', (u) => u.scheme);
  getter('getHost', (u) => u.host);
  getter('getHostname', (u) => splitHostPort(u.host)[0]);
  getter('getPort', (u) => splitHostPort(u.host)[1]);
  getter('getEscapedPath', escapedPath);
  return env;
}
