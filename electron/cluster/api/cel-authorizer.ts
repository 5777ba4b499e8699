// Kubernetes' CEL authorizer library: `authorizer` asks the cluster's authorizer about the requesting user, e.g.
// authorizer.group('apps').resource('deployments').namespace('x').check('delete').allowed(), or
// authorizer.serviceAccount('ns', 'sa').path('/healthz').check('get').allowed().
import type { Environment } from '@marcbachmann/cel-js';
import type { AuthorizationAttributes, Authorizer } from '../auth/authorizer';
import type { UserInfo } from '../auth/user';
import { method } from './cel-method';

export class CelAuthorizer {
  constructor(
    readonly authz: Authorizer,
    readonly user: UserInfo,
  ) {}
}
export class CelPathCheck {
  constructor(
    readonly who: CelAuthorizer,
    readonly path: string,
  ) {}
}
export class CelGroupCheck {
  constructor(
    readonly who: CelAuthorizer,
    readonly group: string,
  ) {}
}
export class CelResourceCheck {
  constructor(
    readonly who: CelAuthorizer,
    readonly attrs: Omit<AuthorizationAttributes, 'user' | 'verb'>,
  ) {}
  with(extra: Partial<AuthorizationAttributes>): CelResourceCheck {
    return new CelResourceCheck(this.who, { ...this.attrs, ...extra });
  }
}
export class CelDecision {
  constructor(
    readonly decision: string,
    readonly reason: string,
  ) {}
}

function decide(who: CelAuthorizer, attrs: AuthorizationAttributes): CelDecision {
  const d = who.authz.authorize(attrs);
  return new CelDecision(d.decision, d.reason ?? '');
}

export function registerAuthorizerLibrary(env: Environment): Environment {
  return env
    .registerType('kubernetes.authorization.Authorizer', CelAuthorizer)
    .registerType('kubernetes.authorization.PathCheck', CelPathCheck)
    .registerType('kubernetes.authorization.GroupCheck', CelGroupCheck)
    .registerType('kubernetes.authorization.ResourceCheck', CelResourceCheck)
    .registerType('kubernetes.authorization.Decision', CelDecision)
    .registerFunction(
      method(
        'path',
        'kubernetes.authorization.Authorizer',
        'kubernetes.authorization.PathCheck',
        ['string'],
        (a: CelAuthorizer, p: string) => new CelPathCheck(a, p),
      ),
    )
    .registerFunction(
      method(
        'group',
        'kubernetes.authorization.Authorizer',
        'kubernetes.authorization.GroupCheck',
        ['string'],
        (a: CelAuthorizer, g: string) => new CelGroupCheck(a, g),
      ),
    )
    .registerFunction(
      method(
        'serviceAccount',
        'kubernetes.authorization.Authorizer',
        'kubernetes.authorization.Authorizer',
        ['string', 'string'],
        (a: CelAuthorizer, ns: string, name: string) =>
          new CelAuthorizer(a.authz, {
            name: `system:serviceaccount:${ns}:${name}`,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
          }),
      ),
    )
    .registerFunction(
      method(
        'resource',
        'kubernetes.authorization.GroupCheck',
        'kubernetes.authorization.ResourceCheck',
        ['string'],
        (g: CelGroupCheck, r: string) => new CelResourceCheck(g.who, { resourceRequest: true, apiGroup: g.group, apiVersion: '*', resource: r }),
      ),
    )
    .registerFunction(
      method('subresource', 'kubernetes.authorization.ResourceCheck', 'kubernetes.authorization.ResourceCheck', ['string'], (c: CelResourceCheck, s: string) =>
        c.with({ subresource: s }),
      ),
    )
    .registerFunction(
      method('namespace', 'kubernetes.authorization.ResourceCheck', 'kubernetes.authorization.ResourceCheck', ['string'], (c: CelResourceCheck, s: string) =>
        c.with({ namespace: s }),
      ),
    )
    .registerFunction(
      method('name', 'kubernetes.authorization.ResourceCheck', 'kubernetes.authorization.ResourceCheck', ['string'], (c: CelResourceCheck, s: string) =>
        c.with({ name: s }),
      ),
    )
    .registerFunction(
      method('check', 'kubernetes.authorization.ResourceCheck', 'kubernetes.authorization.Decision', ['string'], (c: CelResourceCheck, verb: string) =>
        decide(c.who, { ...c.attrs, user: c.who.user, verb }),
      ),
    )
    .registerFunction(
      method('check', 'kubernetes.authorization.PathCheck', 'kubernetes.authorization.Decision', ['string'], (c: CelPathCheck, verb: string) =>
        decide(c.who, { user: c.who.user, verb: verb.toLowerCase(), resourceRequest: false, path: c.path }),
      ),
    )
    .registerFunction(method('allowed', 'kubernetes.authorization.Decision', 'bool', [], (d: CelDecision) => d.decision === 'allow'))
    .registerFunction(method('reason', 'kubernetes.authorization.Decision', 'string', [], (d: CelDecision) => d.reason))
    .registerFunction(method('errored', 'kubernetes.authorization.Decision', 'bool', [], () => false))
    .registerFunction(method('error', 'kubernetes.authorization.Decision', 'string', [], () => ''));
}
