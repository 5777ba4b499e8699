// Pod Security Standards checks against the texts kube-apiserver v1.33 gives for the same pods.
import { describe as group, expect, it } from 'vitest';
import type { PodSpec } from 'kubernetes-types/core/v1';
import { describe, evaluate } from './checks';

const c = (name: string, securityContext?: object, extra: object = {}) => ({ name, image: 'nginx', ...(securityContext ? { securityContext } : {}), ...extra });
const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

group('Pod Security checks', () => {
  it('a plain pod violates restricted four ways, in upstream order and words', () => {
    expect(describe(evaluate('restricted', {}, { containers: [c('x')] }))).toBe(
      'allowPrivilegeEscalation != false (container "x" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "x" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "x" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "x" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });
  it('a policy version applies the checks of that release (pod-security.kubernetes.io/enforce-version)', () => {
    const plain = { containers: [c('x')] };
    // restricted at v1.18: no capabilities (v1.22), runAsUser (v1.23) or seccompProfile (v1.19) checks yet
    expect(describe(evaluate('restricted', {}, plain, 'v1.18'))).toBe(
      'allowPrivilegeEscalation != false (container "x" must set securityContext.allowPrivilegeEscalation=false), ' +
        'runAsNonRoot != true (pod or container "x" must set securityContext.runAsNonRoot=true)',
    );
    expect(evaluate('restricted', {}, plain, 'v1.21').map((v) => v.reason)).toEqual([
      'allowPrivilegeEscalation != false',
      'runAsNonRoot != true',
      'seccompProfile',
    ]);
    expect(evaluate('restricted', {}, plain, 'v1.22').map((v) => v.reason)).toContain('unrestricted capabilities');
    const root = { containers: [c('x', { ...hardened, runAsUser: 0 })] };
    expect(evaluate('restricted', {}, root, 'v1.22')).toEqual([]);
    expect(describe(evaluate('restricted', {}, root, 'v1.23'))).toBe('runAsUser=0 (container "x" must not set runAsUser=0)');
    const keepalive: PodSpec = { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }] }, containers: [c('x')] };
    expect(describe(evaluate('baseline', {}, keepalive, 'v1.28'))).toBe('forbidden sysctls (net.ipv4.tcp_keepalive_time)');
    expect(evaluate('baseline', {}, keepalive, 'v1.29')).toEqual([]);
    expect(evaluate('baseline', {}, keepalive, 'latest')).toEqual([]);
  });
  it('a plain pod passes baseline; a hardened one passes restricted', () => {
    expect(evaluate('baseline', {}, { containers: [c('x')] })).toEqual([]);
    expect(evaluate('restricted', {}, { containers: [c('x', hardened)] })).toEqual([]);
  });
  it('pod-level runAsNonRoot and seccompProfile cover every container', () => {
    const spec: PodSpec = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [c('a', { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } })],
    };
    expect(evaluate('restricted', {}, spec)).toEqual([]);
  });
  it('names several containers together', () => {
    const spec: PodSpec = { containers: [c('a', { privileged: true }), c('b', { privileged: true })] };
    expect(describe(evaluate('baseline', {}, spec))).toBe('privileged (containers "a", "b" must not set securityContext.privileged=true)');
  });
  it('baseline: host namespaces, hostPath, hostPort, added capabilities', () => {
    const spec: PodSpec = {
      hostNetwork: true,
      hostPID: true,
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
      containers: [c('x', { capabilities: { add: ['NET_ADMIN', 'CHOWN'] } }, { ports: [{ containerPort: 80, hostPort: 8080 }] })],
    };
    expect(describe(evaluate('baseline', {}, spec))).toBe(
      'non-default capabilities (container "x" must not include "NET_ADMIN" in securityContext.capabilities.add), host namespaces (hostNetwork=true, hostPID=true), ' +
        'hostPath volumes (volume "root"), hostPort (container "x" uses hostPort 8080)',
    );
  });
  it('restricted replaces hostPath volumes with restricted volume types', () => {
    const spec: PodSpec = { volumes: [{ name: 'root', hostPath: { path: '/' } }], containers: [c('x', hardened)] };
    expect(describe(evaluate('restricted', {}, spec))).toBe('restricted volume types (volume "root" uses restricted volume type "hostPath")');
  });
  it('privileged allows everything', () => {
    expect(evaluate('privileged', {}, { hostNetwork: true, containers: [c('x', { privileged: true })] })).toEqual([]);
  });
});
