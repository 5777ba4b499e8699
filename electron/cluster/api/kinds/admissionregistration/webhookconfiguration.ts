// admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and ValidatingWebhookConfiguration
// (cluster-scoped): upstream's v1 defaults, its validation in its words and the WEBHOOKS column.
// The webhooks are called by admission/webhooks.
import type { FieldError } from '../../errors';
import { duplicate, invalid, notSupported, required, tooMany } from '../../errors';
import type { KindStrategy } from '../../kind';
import type { KObject } from '../../types';
import { age, ageCol, col, nameCol } from '../strategy-helpers';
import { validateLabelSelector } from '../../validation/selectors';
import { isDNS1035Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum } from '../../validation/names';
import { compileCel } from '../../cel';

const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
/** v1 accepts only webhooks without side effects on dry run (Unknown and Some are v1beta1's) */
const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const REINVOCATION = ['IfNeeded', 'Never'];

function defaultWebhook(w: any, mutating: boolean): void {
  if (!w || typeof w !== 'object') return;
  w.failurePolicy ??= 'Fail';
  w.matchPolicy ??= 'Equivalent';
  w.namespaceSelector ??= {};
  w.objectSelector ??= {};
  w.timeoutSeconds ??= 10;
  if (mutating) w.reinvocationPolicy ??= 'Never';
  for (const r of w.rules ?? []) if (r && typeof r === 'object') r.scope ??= '*';
  const svc = w.clientConfig?.service;
  if (svc && typeof svc === 'object') svc.port ??= 443;
}

/** upstream's IsFullyQualifiedName: a DNS subdomain of at least three segments */
function fullyQualified(path: string, name: string | undefined): FieldError[] {
  if (!name) return [required(path, '')];
  const errs = isDNS1123Subdomain(name);
  if (errs.length) return [invalid(path, name, errs.join(','))];
  if (name.split('.').length < 3) return [invalid(path, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

const hasWildcard = (l: string[]) => l.includes('*');

function validateResources(resources: string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!resources.length) errs.push(required(path, ''));
  const wildSub = new Set<string>();
  const wildRes = new Set<string>();
  let double = false;
  let single = false;
  let plain = false;
  resources.forEach((rs, i) => {
    if (!rs) {
      errs.push(required(`${path}[${i}]`, ''));
      return;
    }
    if (rs === '*/*') double = true;
    if (rs === '*') single = true;
    const slash = rs.indexOf('/');
    if (slash < 0) {
      plain = rs !== '*';
      return;
    }
    const [res, sub] = [rs.slice(0, slash), rs.slice(slash + 1)];
    if (wildSub.has(res)) errs.push(invalid(`${path}[${i}]`, rs, `if '${res}/*' is present, must not specify ${rs}`));
    if (wildRes.has(sub)) errs.push(invalid(`${path}[${i}]`, rs, `if '*/${sub}' is present, must not specify ${rs}`));
    if (sub === '*') wildSub.add(res);
    if (res === '*') wildRes.add(sub);
  });
  if (resources.length > 1 && double) errs.push(invalid(path, resources, "if '*/*' is present, must not specify other resources"));
  if (single && plain) errs.push(invalid(path, resources, "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

function validateRule(r: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ops: string[] = r?.operations ?? [];
  const groups: string[] = r?.apiGroups ?? [];
  const versions: string[] = r?.apiVersions ?? [];
  if (!ops.length) errs.push(required(`${path}.operations`, ''));
  if (ops.length > 1 && hasWildcard(ops)) errs.push(invalid(`${path}.operations`, ops, "if '*' is present, must not specify other operations"));
  ops.forEach((o, i) => {
    if (!OPERATIONS.includes(o)) errs.push(notSupported(`${path}.operations[${i}]`, o, OPERATIONS));
  });
  if (!groups.length) errs.push(required(`${path}.apiGroups`, ''));
  if (groups.length > 1 && hasWildcard(groups)) errs.push(invalid(`${path}.apiGroups`, groups, "if '*' is present, must not specify other API groups"));
  if (!versions.length) errs.push(required(`${path}.apiVersions`, ''));
  if (versions.length > 1 && hasWildcard(versions))
    errs.push(invalid(`${path}.apiVersions`, versions, "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (!v) errs.push(required(`${path}.apiVersions[${i}]`, ''));
  });
  errs.push(...validateResources(r?.resources ?? [], `${path}.resources`));
  if (r?.scope != null && !SCOPES.includes(r.scope)) errs.push(notSupported(`${path}.scope`, r.scope, SCOPES));
  return errs;
}

function validateUrl(path: string, raw: string): FieldError[] {
  const form = '; desired format: https://host[/path]';
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    // Go's url.Parse takes a relative reference: no scheme and no host
  }
  const errs: FieldError[] = [];
  const scheme = u ? u.protocol.replace(/:$/, '') : '';
  if (scheme !== 'https') errs.push(invalid(path, scheme, "'https' is the only allowed URL scheme" + form));
  if (!u?.host) errs.push(invalid(path, u?.host ?? '', 'host must be provided' + form));
  if (u && (u.username || u.password)) errs.push(invalid(path, u.password ? `${u.username}:***` : u.username, 'user information is not permitted in the URL'));
  if (u?.hash) errs.push(invalid(path, u.hash.slice(1), 'fragments are not permitted in the URL'));
  if (u?.search) errs.push(invalid(path, u.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

function validateService(path: string, svc: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!svc.name) errs.push(required(`${path}.name`, 'service name is required'));
  if (!svc.namespace) errs.push(required(`${path}.namespace`, 'service namespace is required'));
  const portErrs = isValidPortNum(svc.port);
  if (portErrs.length) errs.push(invalid(`${path}.port`, svc.port, 'port is not valid: ' + portErrs.join(', ')));
  const p: string | undefined = svc.path;
  if (p == null || p === '' || p === '/') return errs;
  if (p === '//') return [...errs, invalid(`${path}.path`, p, 'segment[0] may not be empty')];
  if (!p.startsWith('/')) errs.push(invalid(`${path}.path`, p, "must start with a '/'"));
  let check = p.slice(1);
  if (check.endsWith('/')) check = check.slice(0, -1);
  check.split('/').forEach((step, i) => {
    if (!step) errs.push(invalid(`${path}.path`, p, `segment[${i}] may not be empty`));
    else for (const m of isDNS1123Subdomain(step)) errs.push(invalid(`${path}.path`, p, `segment[${i}]: ${m}`));
  });
  return errs;
}

function validateMatchConditions(conds: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!conds) return errs;
  if (conds.length > 64) errs.push(tooMany(path, conds.length, 64));
  const names = new Set<string>();
  conds.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c?.name) errs.push(required(`${p}.name`, ''));
    else {
      for (const m of isQualifiedName(c.name)) errs.push(invalid(`${p}.name`, c.name, m));
      if (names.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    if (!c?.expression) errs.push(required(`${p}.expression`, ''));
    else
      try {
        compileCel(c.expression);
      } catch (err) {
        errs.push(invalid(`${p}.expression`, c.expression, `compilation failed: ERROR: <input>: ${(err as Error).message.split('\n')[0]}`));
      }
  });
  return errs;
}

function validateReviewVersions(versions: string[] | undefined, path: string): FieldError[] {
  if (!versions?.length) return [required(path, `must specify one of ${REVIEW_VERSIONS.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(invalid(`${path}[${i}]`, v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(invalid(`${path}[${i}]`, v, m));
  });
  if (!versions.some((v) => REVIEW_VERSIONS.includes(v))) errs.push(invalid(path, versions, `must include at least one of ${REVIEW_VERSIONS.join(', ')}`));
  return errs;
}

function validateWebhook(w: any, path: string, mutating: boolean): FieldError[] {
  const errs = fullyQualified(`${path}.name`, w?.name);
  (w?.rules ?? []).forEach((r: any, i: number) => errs.push(...validateRule(r, `${path}.rules[${i}]`)));
  if (w.failurePolicy != null && !FAILURE_POLICIES.includes(w.failurePolicy))
    errs.push(notSupported(`${path}.failurePolicy`, w.failurePolicy, FAILURE_POLICIES));
  if (w.matchPolicy != null && !MATCH_POLICIES.includes(w.matchPolicy)) errs.push(notSupported(`${path}.matchPolicy`, w.matchPolicy, MATCH_POLICIES));
  if (w.sideEffects == null) errs.push(required(`${path}.sideEffects`, `must specify one of ${SIDE_EFFECTS.join(', ')}`));
  else if (!SIDE_EFFECTS.includes(w.sideEffects)) errs.push(notSupported(`${path}.sideEffects`, w.sideEffects, SIDE_EFFECTS));
  if (w.timeoutSeconds != null && (w.timeoutSeconds > 30 || w.timeoutSeconds < 1))
    errs.push(invalid(`${path}.timeoutSeconds`, w.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  errs.push(...validateLabelSelector(w.namespaceSelector, `${path}.namespaceSelector`), ...validateLabelSelector(w.objectSelector, `${path}.objectSelector`));
  if (mutating && w.reinvocationPolicy != null && !REINVOCATION.includes(w.reinvocationPolicy))
    errs.push(notSupported(`${path}.reinvocationPolicy`, w.reinvocationPolicy, REINVOCATION));
  const cc = w.clientConfig ?? {};
  if ((cc.url == null) === (cc.service == null)) errs.push(required(`${path}.clientConfig`, 'exactly one of url or service is required'));
  else if (cc.url != null) errs.push(...validateUrl(`${path}.clientConfig.url`, String(cc.url)));
  else errs.push(...validateService(`${path}.clientConfig.service`, cc.service));
  errs.push(...validateMatchConditions(w.matchConditions, `${path}.matchConditions`));
  return errs;
}

function validateConfiguration(obj: KObject, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ((obj.webhooks ?? []) as any[]).forEach((w, i) => {
    const path = `webhooks[${i}]`;
    errs.push(...validateWebhook(w ?? {}, path, mutating), ...validateReviewVersions(w?.admissionReviewVersions, `${path}.admissionReviewVersions`));
    if (w?.name) {
      if (names.has(w.name)) errs.push(duplicate(`${path}.name`, w.name));
      names.add(w.name);
    }
  });
  return errs;
}

function configuration(kind: string, resource: string, mutating: boolean): KindStrategy {
  return {
    info: {
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      kind,
      resource,
      singular: resource.slice(0, -1),
      namespaced: false,
      storagePrefix: resource,
      categories: ['api-extensions'],
    },
    defaults: (obj) => {
      for (const w of (obj.webhooks ?? []) as unknown[]) defaultWebhook(w, mutating);
    },
    validate: (obj) => validateConfiguration(obj, mutating),
    table: {
      columns: [nameCol, col('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration.'), ageCol],
      row: (obj, now) => [obj.metadata.name, (obj.webhooks ?? []).length, age(obj, now)],
    },
  };
}

export const validatingWebhookConfigurationStrategy = configuration('ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false);
export const mutatingWebhookConfigurationStrategy = configuration('MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', true);
