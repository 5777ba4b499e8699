// The url() and format CEL libraries against the answers upstream's library documents and Go's net/url gives.
import { describe, expect, it } from 'vitest';
import { compileCel } from './cel';

const ev = (e: string, ctx: Record<string, unknown> = {}) => compileCel(e)(ctx);

describe('CEL url()', () => {
  it('returns the parts of a URL as upstream documents them', () => {
    expect(ev("url('https://example.com:80/').getHost()")).toBe('example.com:80');
    expect(ev("url('https://[::1]:80/').getHost()")).toBe('[::1]:80');
    expect(ev("url('https://[::1]:80/').getHostname()")).toBe('::1');
    expect(ev("url('https://127.0.0.1:80/').getHostname()")).toBe('127.0.0.1');
    expect(ev("url('https://example.com:80/').getPort()")).toBe('80');
    expect(ev("url('https://example.com/').getPort()")).toBe('');
    expect(ev("url('/path').getScheme() + url('/path').getHost() + url('/path').getPort()")).toBe('');
    expect(ev("url('HTTPS://example.com/').getScheme()")).toBe('https');
    expect(ev("url('https://example.com/path with spaces/').getEscapedPath()")).toBe('/path%20with%20spaces/');
    expect(ev("url('https://example.com').getEscapedPath()")).toBe('');
    expect(ev("url('https://example.com/p#frag').getEscapedPath()")).toBe('/p');
    expect(ev("url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}")).toBe(true);
    expect(ev("url('https://example.com/path?key with spaces=value with spaces').getQuery()['key with spaces']")).toEqual(['value with spaces']);
    expect(ev("url('https://example.com/path?').getQuery().size() == 0 && url('https://example.com/path').getQuery().size() == 0")).toBe(true);
  });

  it('refuses what Go refuses, in Go words', () => {
    expect(ev("isURL('https://user:pass@example.com:80/path?query=val#fragment') && isURL('/absolute-path')")).toBe(true);
    expect(ev("isURL('https://a:b:c/') || isURL('../relative-path') || isURL('example.com') || isURL('')")).toBe(false);
    expect(() => ev("url('../relative-path')")).toThrow('URL parse error during conversion from string: parse "../relative-path": invalid URI for request');
    expect(() => ev("url('https://a:b:c/')")).toThrow('URL parse error during conversion from string: parse "https://a:b:c/": invalid port ":c" after host');
    expect(() => ev("url('https://ex ample.com/')")).toThrow('parse "https://ex ample.com/": invalid character " " in host name');
    expect(() => ev("url(':x')")).toThrow('parse ":x": missing protocol scheme');
  });
});

describe('CEL format', () => {
  it('validates with the named formats and answers optionals', () => {
    expect(ev("format.dns1123Label().validate('my-label-name').hasValue()")).toBe(false);
    expect(ev("format.dns1123Label().validate('My_Name').value()")).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(ev("format.dns1123Label().validate('a.b').value()")).toEqual(['must not contain dots']);
    expect(ev("!format.dns1123LabelPrefix().validate('my-prefix-').hasValue() && format.dns1123Label().validate('my-prefix-').hasValue()")).toBe(true);
    expect(ev("format.named('dns1123Subdomain').value().validate('apiextensions.k8s.io').hasValue()")).toBe(false);
    expect(ev("format.named('nope').hasValue()")).toBe(false);
    expect(() => ev("format.named('nope').value()")).toThrow(/^optional\.none\(\) dereference/);
    expect(ev("format.qualifiedName().validate('a/b/c').hasValue() && !format.labelValue().validate('').hasValue()")).toBe(true);
    expect(ev("format.uri().validate('../x').value()")).toEqual(['parse "../x": invalid URI for request']);
    expect(
      ev(
        "[format.uuid().validate('123e4567-e89b-12d3-a456-426614174000'), format.byte().validate('aGVsbG8='), format.date().validate('2021-01-01'), format.datetime().validate('2021-01-01T00:00:00Z')].all(v, !v.hasValue())",
      ),
    ).toBe(true);
    expect(
      ev(
        "[format.uuid().validate('x').value()[0], format.byte().validate('a').value()[0], format.date().validate('2021-02-30').value()[0], format.datetime().validate('yesterday').value()[0]]",
      ),
    ).toEqual(['does not match the UUID format', 'invalid base64', 'invalid date', 'invalid datetime']);
    expect(ev("format.dns1035Label().validate(object.metadata.name).orValue(['ok'])", { object: { metadata: { name: 'web' } } })).toEqual(['ok']);
  });
});
