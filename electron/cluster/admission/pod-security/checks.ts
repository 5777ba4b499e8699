// The Pod Security Standards checks (baseline and restricted, as of v1.33 / "latest"), each worded as upstream's
// pod-security-admission reports it: `<reason> (<detail>)`. Checks run in upstream's order (sorted by check id); a
// restricted check replaces the baseline check it tightens. A policy version (`enforce-version: v1.21`) applies the
// checks as that release defined them: checks added later are left out (restricted capabilities since v1.22,
// runAsUser since v1.23, seccompProfile since v1.19) and the safe sysctls are those listed by then. Before v1.19
// seccomp was checked on the alpha annotations, which are not modelled.
import type { Container, PodSpec, SecurityContext } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';

export type Level = 'privileged' | 'baseline' | 'restricted';
export interface Violation {
  reason: string;
  detail: string;
}
interface PodView {
  meta: ObjectMeta;
  spec: PodSpec;
  /** minor version of the policy (Infinity for latest) */
  minor: number;
}
interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** the first policy version (minor of v1.x) with this check */
  since?: number;
  overrides?: string;
  run(p: PodView): Violation | undefined;
}

const q = (s: string) => JSON.stringify(s);
function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...((spec.ephemeralContainers ?? []) as Container[])];
}
/** `container "a"` or `containers "a", "b"` */
function pluralize(names: string[], one: string, many: string): string {
  return `${names.length === 1 ? one : many} ${names.map(q).join(', ')}`;
}
const containersWith = (spec: PodSpec, bad: (c: Container, sc: SecurityContext) => boolean) =>
  allContainers(spec)
    .filter((c) => bad(c, c.securityContext ?? {}))
    .map((c) => c.name);

const BASELINE_CAPS = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** the sysctls baseline allows, with the policy version that added them */
const SAFE_SYSCTLS: [string, number][] = [
  ['kernel.shm_rmid_forced', 0],
  ['net.ipv4.ip_local_port_range', 0],
  ['net.ipv4.ip_unprivileged_port_start', 0],
  ['net.ipv4.tcp_syncookies', 0],
  ['net.ipv4.ping_group_range', 0],
  ['net.ipv4.ip_local_reserved_ports', 27],
  ['net.ipv4.tcp_keepalive_time', 29],
  ['net.ipv4.tcp_fin_timeout', 29],
  ['net.ipv4.tcp_keepalive_intvl', 29],
  ['net.ipv4.tcp_keepalive_probes', 29],
  ['net.ipv4.tcp_rmem', 32],
  ['net.ipv4.tcp_wmem', 32],
];
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const VOLUME_TYPES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'portworxVolume',
  'photonPersistentDisk',
  'scaleIO',
  'storageos',
  'image',
];

const CHECKS: Check[] = [
  {
    id: 'allowPrivilegeEscalation',
    since: 8,
    level: 'restricted',
    run: ({ spec }) => {
      const bad = containersWith(spec, (_c, sc) => sc.allowPrivilegeEscalation !== false);
      return bad.length
        ? {
            reason: 'allowPrivilegeEscalation != false',
            detail: `${pluralize(bad, 'container', 'containers')} must set securityContext.allowPrivilegeEscalation=false`,
          }
        : undefined;
    },
  },
  {
    id: 'appArmorProfile',
    level: 'baseline',
    run: ({ meta, spec }) => {
      const bad: string[] = [];
      const ok = (t?: string) => t === undefined || t === 'RuntimeDefault' || t === 'Localhost';
      if (!ok(spec.securityContext?.appArmorProfile?.type))
        bad.push(`pod must not set securityContext.appArmorProfile.type to ${q(spec.securityContext!.appArmorProfile!.type)}`);
      const cs = containersWith(spec, (_c, sc) => !ok(sc.appArmorProfile?.type));
      if (cs.length) bad.push(`${pluralize(cs, 'container', 'containers')} must not set securityContext.appArmorProfile.type to "Unconfined"`);
      for (const [k, v] of Object.entries(meta.annotations ?? {})) {
        if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !v.startsWith('localhost/')) bad.push(`${k}=${q(v)}`);
      }
      return bad.length ? { reason: 'forbidden AppArmor profiles', detail: bad.join('; ') } : undefined;
    },
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    run: ({ spec }) => {
      const adds = new Map<string, string[]>();
      for (const c of allContainers(spec))
        for (const cap of c.securityContext?.capabilities?.add ?? []) if (!BASELINE_CAPS.has(cap)) adds.set(c.name, [...(adds.get(c.name) ?? []), cap]);
      if (!adds.size) return undefined;
      const caps = [...new Set([...adds.values()].flat())].sort();
      return {
        reason: 'non-default capabilities',
        detail: `${pluralize([...adds.keys()], 'container', 'containers')} must not include ${caps.map(q).join(', ')} in securityContext.capabilities.add`,
      };
    },
  },
  {
    id: 'capabilities_restricted',
    since: 22,
    level: 'restricted',
    overrides: 'capabilities_baseline',
    run: ({ spec }) => {
      const noDrop = containersWith(spec, (_c, sc) => !(sc.capabilities?.drop ?? []).includes('ALL'));
      const adds = new Map<string, string[]>();
      for (const c of allContainers(spec))
        for (const cap of c.securityContext?.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') adds.set(c.name, [...(adds.get(c.name) ?? []), cap]);
      const parts: string[] = [];
      if (noDrop.length) parts.push(`${pluralize(noDrop, 'container', 'containers')} must set securityContext.capabilities.drop=["ALL"]`);
      if (adds.size)
        parts.push(
          `${pluralize([...adds.keys()], 'container', 'containers')} must not include ${[...new Set([...adds.values()].flat())].sort().map(q).join(', ')} in securityContext.capabilities.add`,
        );
      return parts.length ? { reason: 'unrestricted capabilities', detail: parts.join('; ') } : undefined;
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    run: ({ spec }) => {
      const on = [
        ['hostNetwork', spec.hostNetwork],
        ['hostPID', spec.hostPID],
        ['hostIPC', spec.hostIPC],
      ]
        .filter(([, v]) => v)
        .map(([k]) => `${k}=true`);
      return on.length ? { reason: 'host namespaces', detail: on.join(', ') } : undefined;
    },
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    run: ({ spec }) => {
      const vols = (spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name);
      return vols.length ? { reason: 'hostPath volumes', detail: pluralize(vols, 'volume', 'volumes') } : undefined;
    },
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    run: ({ spec }) => {
      const users: string[] = [];
      const ports: number[] = [];
      for (const c of allContainers(spec)) {
        const hp = (c.ports ?? []).map((p) => p.hostPort ?? 0).filter((p) => p !== 0);
        if (hp.length) {
          users.push(c.name);
          ports.push(...hp);
        }
      }
      return users.length
        ? {
            reason: 'hostPort',
            detail: `${pluralize(users, 'container', 'containers')} ${users.length === 1 ? 'uses' : 'use'} ${ports.length === 1 ? 'hostPort' : 'hostPorts'} ${ports.join(', ')}`,
          }
        : undefined;
    },
  },
  {
    id: 'privileged',
    level: 'baseline',
    run: ({ spec }) => {
      const bad = containersWith(spec, (_c, sc) => sc.privileged === true);
      return bad.length
        ? { reason: 'privileged', detail: `${pluralize(bad, 'container', 'containers')} must not set securityContext.privileged=true` }
        : undefined;
    },
  },
  {
    id: 'procMount',
    level: 'baseline',
    run: ({ spec }) => {
      const bad = containersWith(spec, (_c, sc) => sc.procMount !== undefined && sc.procMount !== 'Default');
      return bad.length
        ? { reason: 'procMount', detail: `${pluralize(bad, 'container', 'containers')} must not set securityContext.procMount to "Unmasked"` }
        : undefined;
    },
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    overrides: 'hostPathVolumes',
    run: ({ spec }) => {
      const bad: [string, string][] = [];
      for (const v of spec.volumes ?? []) {
        const type = Object.keys(v).find((k) => k !== 'name' && !RESTRICTED_VOLUMES.includes(k));
        if (type && VOLUME_TYPES.includes(type)) bad.push([v.name, type]);
      }
      if (!bad.length) return undefined;
      const types = [...new Set(bad.map(([, t]) => t))];
      return {
        reason: 'restricted volume types',
        detail: `${pluralize(
          bad.map(([n]) => n),
          'volume',
          'volumes',
        )} ${bad.length === 1 ? 'uses' : 'use'} ${types.length === 1 ? 'restricted volume type' : 'restricted volume types'} ${types.map(q).join(', ')}`,
      };
    },
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    run: ({ spec }) => {
      const podSet = spec.securityContext?.runAsNonRoot;
      if (podSet === false) {
        // an explicit false on the pod is reported even when containers override it
        const bad = containersWith(spec, (_c, sc) => sc.runAsNonRoot !== true);
        if (!bad.length) return { reason: 'runAsNonRoot != true', detail: 'pod must not set securityContext.runAsNonRoot=false' };
      }
      const explicitFalse = containersWith(spec, (_c, sc) => sc.runAsNonRoot === false);
      const unset = podSet === true ? [] : containersWith(spec, (_c, sc) => sc.runAsNonRoot === undefined);
      const parts: string[] = [];
      if (podSet === false) parts.push('pod must not set securityContext.runAsNonRoot=false');
      if (explicitFalse.length) parts.push(`${pluralize(explicitFalse, 'container', 'containers')} must not set securityContext.runAsNonRoot=false`);
      if (unset.length && podSet !== false) parts.push(`pod or ${pluralize(unset, 'container', 'containers')} must set securityContext.runAsNonRoot=true`);
      return parts.length ? { reason: 'runAsNonRoot != true', detail: parts.join('; ') } : undefined;
    },
  },
  {
    id: 'runAsUser',
    since: 23,
    level: 'restricted',
    run: ({ spec }) => {
      const parts: string[] = [];
      if (spec.securityContext?.runAsUser === 0) parts.push('pod must not set runAsUser=0');
      const bad = containersWith(spec, (_c, sc) => sc.runAsUser === 0);
      if (bad.length) parts.push(`${pluralize(bad, 'container', 'containers')} must not set runAsUser=0`);
      return parts.length ? { reason: 'runAsUser=0', detail: parts.join('; ') } : undefined;
    },
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    run: ({ spec }) => {
      const okType = (t?: string) => !t || ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'].includes(t);
      const badOpts = (o?: { type?: string; user?: string; role?: string }) => !!o && (!okType(o.type) || !!o.user || !!o.role);
      const parts: string[] = [];
      if (badOpts(spec.securityContext?.seLinuxOptions)) parts.push('pod must not set securityContext.seLinuxOptions');
      const bad = containersWith(spec, (_c, sc) => badOpts(sc.seLinuxOptions));
      if (bad.length) parts.push(`${pluralize(bad, 'container', 'containers')} must not set securityContext.seLinuxOptions`);
      return parts.length ? { reason: 'seLinuxOptions', detail: parts.join('; ') } : undefined;
    },
  },
  {
    id: 'seccompProfile_baseline',
    since: 19,
    level: 'baseline',
    run: ({ spec }) => {
      const parts: string[] = [];
      if (spec.securityContext?.seccompProfile?.type === 'Unconfined') parts.push('pod must not set securityContext.seccompProfile.type to "Unconfined"');
      const bad = containersWith(spec, (_c, sc) => sc.seccompProfile?.type === 'Unconfined');
      if (bad.length) parts.push(`${pluralize(bad, 'container', 'containers')} must not set securityContext.seccompProfile.type to "Unconfined"`);
      return parts.length ? { reason: 'seccompProfile', detail: parts.join('; ') } : undefined;
    },
  },
  {
    id: 'seccompProfile_restricted',
    since: 19,
    level: 'restricted',
    overrides: 'seccompProfile_baseline',
    run: ({ spec }) => {
      const ok = (t?: string) => t === 'RuntimeDefault' || t === 'Localhost';
      const podType = spec.securityContext?.seccompProfile?.type;
      const parts: string[] = [];
      if (podType !== undefined && !ok(podType)) parts.push(`pod must not set securityContext.seccompProfile.type to ${q(podType)}`);
      const explicit = containersWith(spec, (_c, sc) => sc.seccompProfile?.type !== undefined && !ok(sc.seccompProfile.type));
      if (explicit.length)
        parts.push(
          `${pluralize(explicit, 'container', 'containers')} must not set securityContext.seccompProfile.type to ${q(allContainers(spec).find((c) => c.name === explicit[0])!.securityContext!.seccompProfile!.type)}`,
        );
      if (!ok(podType)) {
        const unset = containersWith(spec, (_c, sc) => sc.seccompProfile?.type === undefined);
        if (unset.length && podType === undefined)
          parts.push(`pod or ${pluralize(unset, 'container', 'containers')} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
      }
      return parts.length ? { reason: 'seccompProfile', detail: parts.join('; ') } : undefined;
    },
  },
  {
    id: 'sysctls',
    level: 'baseline',
    run: ({ spec, minor }) => {
      const safe = new Set(SAFE_SYSCTLS.filter(([, v]) => v <= minor).map(([n]) => n));
      const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !safe.has(n));
      return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
    },
  },
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    run: ({ spec }) => {
      const pod = spec.securityContext?.windowsOptions?.hostProcess === true;
      const bad = containersWith(spec, (_c, sc) => sc.windowsOptions?.hostProcess === true);
      if (!pod && !bad.length) return undefined;
      return {
        reason: 'hostProcess',
        detail: pod
          ? 'pod must not set securityContext.windowsOptions.hostProcess=true'
          : `${pluralize(bad, 'container', 'containers')} must not set securityContext.windowsOptions.hostProcess=true`,
      };
    },
  },
];

/** the violations of a level, in upstream's order */
export function evaluate(level: Level, meta: ObjectMeta, spec: PodSpec, version = 'latest'): Violation[] {
  if (level === 'privileged') return [];
  const minor = version === 'latest' ? Infinity : Number(version.replace(/^v1\./, ''));
  const active = CHECKS.filter((c) => (c.level === 'baseline' || level === 'restricted') && (c.since ?? 0) <= minor);
  const overridden = new Set(active.map((c) => c.overrides).filter(Boolean));
  const out: Violation[] = [];
  for (const c of active) {
    if (overridden.has(c.id)) continue;
    const v = c.run({ meta, spec, minor });
    if (v) out.push(v);
  }
  return out;
}

/** `reason (detail), reason (detail)` as in upstream's Forbidden and warning texts */
export function describe(violations: Violation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}
