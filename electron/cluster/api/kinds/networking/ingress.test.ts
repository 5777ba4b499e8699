import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { ingressStrategy as ing } from './ingress';
import { ingressClassStrategy as ic } from './ingressclass';

const create = { operation: 'create' as const, now: new Date('2025-01-01T00:00:00Z') };
const update = { ...create, operation: 'update' as const };
const backend = { service: { name: 'web', port: { number: 80 } } };
const ingress = (spec: any, annotations?: Record<string, string>): KObject => ({ metadata: { name: 'x', namespace: 'default', annotations }, spec });
const paths = (...p: any[]) => ingress({ rules: [{ host: 'shop.local', http: { paths: p } }] });
const message = (o: KObject, ctx = create) =>
  errInvalid('networking.k8s.io', 'Ingress', 'x', ing.validate!(o, ctx)).message.replace(/^Ingress\.networking\.k8s\.io "x" is invalid: /, '');

describe('networking.k8s.io/v1 Ingress validation', () => {
  it('accepts what kubectl create ingress writes', () => {
    expect(ing.validate!(paths({ path: '/', pathType: 'Prefix', backend }, { path: '/api', pathType: 'Exact', backend }), create)).toEqual([]);
    expect(ing.validate!(ingress({ defaultBackend: backend }), create)).toEqual([]);
  });

  it('needs rules or a defaultBackend, and a pathType on every path', () => {
    expect(message(ingress({}))).toBe('spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified');
    expect(message(paths({ path: '/', backend }))).toBe('spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified');
    expect(message(paths({ path: '/', pathType: 'Regex', backend }))).toBe(
      'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
    );
  });

  it('checks Exact and Prefix paths for traversal one sequence at a time, and only absoluteness for ImplementationSpecific', () => {
    expect(message(paths({ path: 'api', pathType: 'Prefix', backend }))).toBe(
      'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
    );
    expect(message(paths({ path: '/a//b/..', pathType: 'Exact', backend }))).toBe(
      '[spec.rules[0].http.paths[0].path: Invalid value: "/a//b/..": must not contain \'//\', spec.rules[0].http.paths[0].path: Invalid value: "/a//b/..": cannot end with \'/..\']',
    );
    expect(message(paths({ path: '/a%2Fb', pathType: 'Prefix', backend }))).toBe(
      'spec.rules[0].http.paths[0].path: Invalid value: "/a%2Fb": must not contain \'%2F\'',
    );
    expect(ing.validate!(paths({ path: '/a//(.*)', pathType: 'ImplementationSpecific', backend }), create)).toEqual([]);
    expect(ing.validate!(paths({ pathType: 'ImplementationSpecific', backend }), create)).toEqual([]);
    expect(message(paths({ path: 'rel', pathType: 'ImplementationSpecific', backend }))).toBe(
      'spec.rules[0].http.paths[0].path: Invalid value: "rel": must be an absolute path',
    );
  });

  it('wants exactly one of service and resource, a DNS-1035 Service name and one port', () => {
    const p = (b: any) => message(paths({ path: '/', pathType: 'Prefix', backend: b }));
    expect(p({ ...backend, resource: { kind: 'Bucket', name: 'b' } })).toBe(
      'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
    );
    expect(p({})).toBe('spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required');
    expect(p({ service: { name: 'web', port: { name: 'http', number: 80 } } })).toBe(
      'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
    );
    expect(p({ service: { name: 'web', port: {} } })).toBe('spec.rules[0].http.paths[0].backend: Required value: port name or number is required');
    expect(p({ service: { name: 'web', port: { number: 70000 } } })).toBe(
      'spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
    expect(p({ service: { name: 'web.v1', port: { number: 80 } } })).toMatch(
      /^spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.name: Invalid value: "web\.v1": a DNS-1035 label must consist of lower case alphanumeric/,
    );
    expect(p({ resource: { apiGroup: 'k8s.example.com' } })).toBe(
      '[spec.rules[0].http.paths[0].backend.resource.kind: Required value: kind is required, spec.rules[0].http.paths[0].backend.resource.name: Required value: name is required]',
    );
    expect(
      ing.validate!(
        paths({ path: '/', pathType: 'Prefix', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'assets' } } }),
        create,
      ),
    ).toEqual([]);
  });

  it('refuses IP hosts and malformed wildcards, and checks tls secret names', () => {
    const host = (h: string) => message(ingress({ rules: [{ host: h, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] }));
    expect(host('10.0.0.1')).toMatch(/^spec\.rules\[0\]\.host: Invalid value: "10\.0\.0\.1": must be a DNS name, not an IP address$/);
    expect(host('foo.*.com')).toMatch(/^spec\.rules\[0\]\.host: Invalid value: "foo\.\*\.com": a wildcard DNS-1123 subdomain must start with '\*\.'/);
    expect(host('*.Foo.com')).toMatch(/^spec\.rules\[0\]\.host: Invalid value: "\*\.Foo\.com": a wildcard DNS-1123 subdomain/);
    expect(ing.validate!(ingress({ rules: [{ host: '*.foo.com' }] }), create)).toEqual([]);
    expect(message(ingress({ defaultBackend: backend, tls: [{ hosts: ['a.com'], secretName: 'Bad_Name' }] }))).toMatch(
      /^spec\.tls\[0\]\.secretName: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
  });

  it('on create, refuses a legacy class annotation that contradicts ingressClassName', () => {
    const o = ingress({ ingressClassName: 'nginx', defaultBackend: backend }, { 'kubernetes.io/ingress.class': 'traefik' });
    expect(message(o)).toBe('annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified');
    expect(ing.validate!(o, update)).toEqual([]);
  });

  it('checks the addresses a controller writes to status', () => {
    const o = ingress({ defaultBackend: backend });
    const st = (lb: any[]) => ing.validateStatusUpdate!({ ...o, status: { loadBalancer: { ingress: lb } } }, o, update).map((e) => `${e.field}: ${e.detail}`);
    expect(st([{ hostname: 'localhost' }, { ip: '172.18.0.2' }])).toEqual([]);
    expect(st([{ hostname: '10.0.0.1' }, { ip: 'nope' }])).toEqual([
      'status.loadBalancer.ingress[0].hostname: must be a DNS name, not an IP address',
      'status.loadBalancer.ingress[1].ip: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
  });

  it('shows CLASS, HOSTS, ADDRESS and PORTS as kubectl get ingress does', () => {
    const o = ingress({ ingressClassName: 'nginx', tls: [{ hosts: ['a.com'] }], rules: [{ host: 'a.com' }, { host: 'b.com' }, {}, { host: 'c.com' }] });
    o.status = { loadBalancer: { ingress: [{ hostname: 'localhost' }] } };
    expect(ing.table!.row(o, create.now).slice(1, 5)).toEqual(['nginx', 'a.com,b.com,c.com + 1 more...', 'localhost', '80, 443']);
  });
});

describe('networking.k8s.io/v1 IngressClass validation', () => {
  const cls = (spec: any): KObject => ({ metadata: { name: 'c' }, spec });
  const msg = (o: KObject) =>
    errInvalid('networking.k8s.io', 'IngressClass', 'c', ic.validate!(o, create)).message.replace(/^IngressClass\.networking\.k8s\.io "c" is invalid: /, '');

  it('scopes parameters as upstream says', () => {
    const ns = cls({ controller: 'example.com/x', parameters: { kind: 'Params', name: 'p', scope: 'Namespace' } });
    expect(msg(ns)).toBe("spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'");
    const cl = cls({ controller: 'example.com/x', parameters: { kind: 'Params', name: 'p', scope: 'Cluster', namespace: 'default' } });
    expect(msg(cl)).toBe("spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'");
    expect(msg(cls({ controller: 'example.com/x', parameters: { name: 'p' } }))).toBe('spec.parameters.kind: Required value: kind is required');
    const d = cls({ controller: 'example.com/x', parameters: { kind: 'Params', name: 'p' } });
    ic.defaults!(d);
    expect(d.spec.parameters.scope).toBe('Cluster');
    expect(ic.validate!(d, create)).toEqual([]);
  });
});
