// The PodSecurity plugin with a PodSecurityConfiguration: cluster defaults apply to unlabelled namespaces, labels win
// over defaults, and exempt users, namespaces and runtime classes are not evaluated.
import { describe, expect, it } from 'vitest';
import type { AdmissionAttributes, AdmissionLookup } from '../types';
import { podSecurityPlugin } from './index';
import { parsePodSecurityConfig } from './config';

const config = parsePodSecurityConfig(
  `
apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults: {enforce: baseline, enforce-version: latest}
exemptions: {usernames: [ops], namespaces: [tools], runtimeClasses: [kata]}
`,
  'test',
);

const lookup = (labels: Record<string, string> = {}): AdmissionLookup => ({
  get: (_g, _ns, name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }),
  list: () => [],
});
const privileged = (ns: string, user = 'amy', runtimeClassName?: string): AdmissionAttributes => ({
  operation: 'CREATE',
  gvr: { group: '', version: 'v1', resource: 'pods' },
  kind: 'Pod',
  namespace: ns,
  name: 'p',
  dryRun: false,
  user: { name: user, groups: [] },
  object: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: ns },
    spec: { runtimeClassName, containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] },
  },
});

describe('PodSecurity with a PodSecurityConfiguration', () => {
  const plugin = podSecurityPlugin(config);
  it('enforces the default level where the namespace has no label', () => {
    expect(() => plugin.validate!(privileged('apps'), lookup())).toThrow(
      'pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
    );
  });
  it('a namespace label overrides the default', () => {
    expect(() => plugin.validate!(privileged('apps'), lookup({ 'pod-security.kubernetes.io/enforce': 'privileged' }))).not.toThrow();
  });
  it('exempts users, namespaces and runtime classes', () => {
    expect(() => plugin.validate!(privileged('apps', 'ops'), lookup())).not.toThrow();
    expect(() => plugin.validate!(privileged('tools'), lookup())).not.toThrow();
    expect(() => plugin.validate!(privileged('apps', 'amy', 'kata'), lookup())).not.toThrow();
  });
  it('without a configuration every namespace is privileged', () => {
    expect(() => podSecurityPlugin().validate!(privileged('apps'), lookup())).not.toThrow();
  });
});
