import { describe, expect, it } from 'vitest';
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1';
import { buildRoutes, route, type Match } from './routing';
import { servedBy } from './classes';

const svc = (name: string) => ({ service: { name, port: { number: 80 } } });
function ing(name: string, spec: Ingress['spec'], annotations: Record<string, string> = {}, created = '2026-01-01T00:00:00Z'): Ingress {
  return { metadata: { name, namespace: 'ns', annotations, creationTimestamp: created }, spec };
}
const rule = (host: string | undefined, paths: [string, 'Exact' | 'Prefix' | 'ImplementationSpecific', string][]) => ({
  host,
  http: { paths: paths.map(([path, pathType, s]) => ({ path, pathType, backend: svc(s) })) },
});
/** which Service answers, or `404` for the controller's default backend */
const to = (m: Match) => (m.kind === 'default' ? '404' : ((m.kind === 'location' ? m.location.backend : m.backend).service?.name ?? 'resource'));

describe('ingress-nginx routing', () => {
  const t = buildRoutes([
    ing('a', {
      rules: [
        rule('shop.local', [
          ['/', 'Prefix', 'root'],
          ['/api', 'Prefix', 'api'],
          ['/api/v2/', 'Prefix', 'v2'],
          ['/exact', 'Exact', 'exact'],
          ['/img', 'ImplementationSpecific', 'img'],
        ]),
        rule('*.foo.com', [['/', 'Prefix', 'wild']]),
        rule('*.bar.foo.com', [['/', 'Prefix', 'wild2']]),
        rule('a.foo.com', [['/only', 'Exact', 'afoo']]),
      ],
    }),
  ]);

  // [Host header, path, the Service that answers ('404': the controller's default backend)]
  const cases = (rows: [string, string, string][]) => expect(rows.map(([h, p]) => [h, p, to(route(t, h, p))])).toEqual(rows);

  it('matches Prefix element-wise, Exact exactly, ImplementationSpecific as a plain prefix, longest first', () => {
    cases([
      ['shop.local', '/', 'root'],
      ['shop.local', '/api', 'api'],
      ['shop.local', '/api/', 'api'],
      ['shop.local', '/apis', 'root'],
      ['shop.local', '/api/v2', 'v2'],
      ['shop.local', '/api/v2/x?y=1', 'v2'],
      ['shop.local', '/api/v20', 'api'],
      ['shop.local', '/exact', 'exact'],
      ['shop.local', '/exact/', 'root'],
      ['shop.local', '/imgs', 'img'],
    ]);
  });

  it('finds the server as nginx does: exact host, then the longest wildcard, then the catch-all', () => {
    // an exact server wins even without a location for the path (a.foo.com/ is its own 404)
    cases([
      ['x.foo.com', '/', 'wild'],
      ['x.y.foo.com', '/', 'wild'],
      ['x.bar.foo.com', '/', 'wild2'],
      ['foo.com', '/', '404'],
      ['a.foo.com', '/only', 'afoo'],
      ['a.foo.com', '/', '404'],
      ['SHOP.LOCAL:8080', '/api', 'api'],
      ['unknown', '/', '404'],
    ]);
  });

  it('rewrites with capture groups and turns every path of the host into a case-insensitive regex', () => {
    const r = buildRoutes([
      ing(
        'rw',
        { rules: [rule('rw.local', [['/something(/|$)(.*)', 'ImplementationSpecific', 'echo']])] },
        { 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' },
      ),
      ing('plain', { rules: [rule('rw.local', [['/static', 'Prefix', 'static']])] }, {}, '2026-01-02T00:00:00Z'),
    ]);
    const m = route(r, 'rw.local', '/something/new/path?a=1');
    expect(m.kind === 'location' && m.upstreamPath).toBe('/new/path?a=1');
    expect(route(r, 'rw.local', '/something').kind === 'location' && (route(r, 'rw.local', '/something') as any).upstreamPath).toBe('/');
    expect(to(route(r, 'rw.local', '/SOMETHING/x'))).toBe('echo');
    // use-regex applies to the whole host: /static is now the regex ^/static, so /statics matches it
    expect(to(route(r, 'rw.local', '/statics'))).toBe('static');
  });

  it('uses the defaultBackend of the Ingress for its hosts, and a rule-less one for unknown hosts; the oldest Ingress wins a path', () => {
    const r = buildRoutes([
      ing('late', { rules: [rule('h.local', [['/', 'Prefix', 'late']])] }, {}, '2026-01-03T00:00:00Z'),
      ing(
        'early',
        {
          defaultBackend: svc('hdefault'),
          rules: [
            rule('h.local', [
              ['/', 'Prefix', 'early'],
              ['/x', 'Exact', 'x'],
            ]),
          ],
        },
        {},
        '2026-01-01T00:00:00Z',
      ),
      ing('catchall', { defaultBackend: svc('catchall') }, {}, '2026-01-02T00:00:00Z'),
    ]);
    expect(to(route(r, 'h.local', '/y'))).toBe('early');
    expect(to(route(r, 'unknown', '/'))).toBe('catchall');
    const noRoot = buildRoutes([ing('e', { defaultBackend: svc('hdefault'), rules: [rule('h.local', [['/x', 'Exact', 'x']])] })]);
    expect(to(route(noRoot, 'h.local', '/y'))).toBe('hdefault');
    expect(to(route(noRoot, 'other', '/y'))).toBe('404');
  });

  it('redirects to HTTPS only for hosts with a tls entry, unless ssl-redirect is false', () => {
    const r = buildRoutes([
      ing('tls', {
        tls: [{ hosts: ['s.local'], secretName: 'cert' }],
        rules: [rule('s.local', [['/', 'Prefix', 's']]), rule('p.local', [['/', 'Prefix', 'p']])],
      }),
      ing('off', { tls: [{ hosts: ['o.local'] }], rules: [rule('o.local', [['/', 'Prefix', 'o']])] }, { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' }),
    ]);
    const s = route(r, 's.local', '/');
    expect(s.kind === 'location' && [s.location.sslRedirect, s.server.tlsSecret]).toEqual([true, 'ns/cert']);
    const p = route(r, 'p.local', '/');
    expect(p.kind === 'location' && p.location.sslRedirect).toBe(false);
    const o = route(r, 'o.local', '/');
    expect(o.kind === 'location' && [o.location.sslRedirect, o.server.tlsSecret]).toEqual([false, '']);
  });
});

describe('which Ingresses ingress-nginx serves', () => {
  const nginx: IngressClass = { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };
  const other: IngressClass = { metadata: { name: 'other' }, spec: { controller: 'example.com/other' } };
  const o = { ingressClass: 'nginx', controllerClass: 'k8s.io/ingress-nginx', watchWithoutClass: false };
  const withClass = (c?: string, legacy?: string): Ingress => ({
    metadata: { name: 'x', annotations: legacy ? { 'kubernetes.io/ingress.class': legacy } : {} },
    spec: { ingressClassName: c },
  });

  it('serves its class by IngressClass controller, the legacy annotation, and class-less ones when told to or when it is the default', () => {
    expect(servedBy(withClass('nginx'), [nginx, other], o)).toBe(true);
    expect(servedBy(withClass('other'), [nginx, other], o)).toBe(false);
    expect(servedBy(withClass('missing'), [nginx, other], o)).toBe(false);
    expect(servedBy(withClass(undefined, 'nginx'), [nginx], o)).toBe(true);
    expect(servedBy(withClass('nginx', 'other'), [nginx], o)).toBe(false);
    expect(servedBy(withClass(), [nginx], o)).toBe(false);
    expect(servedBy(withClass(), [nginx], { ...o, watchWithoutClass: true })).toBe(true);
    const dflt = { ...nginx, metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } };
    expect(servedBy(withClass(), [dflt], o)).toBe(true);
  });
});
