// PodSpec defaults and validation, shared by pods and every workload's pod template.
import { type FieldError, forbidden, invalid, notSupported, required, duplicate } from '../../errors';
import { validateAnnotations, validateLabels } from '../../validation/meta';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../validation/names';
import { validateContainerPorts, validateEnv, validateEnvFrom, validateHandler, validateProbe, validateResourceRequirements } from '../../validation/resources';
import { validateAffinity, validateNodeSelector, validateTolerations, validateTopologySpreadConstraints } from '../../validation/scheduling';
import { defaultVolume, validateVolumeMounts, validateVolumes } from './volumes';
import { validateAppArmorProfile } from './apparmor';

// ---------------------------------------------------------------- defaults

/** `:latest` or no tag pulls every time; a pinned tag or digest only when missing (upstream's SetDefaults_Container). */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  const ref = image ?? '';
  const at = ref.indexOf('@');
  const nameAndTag = at >= 0 ? ref.slice(0, at) : ref;
  const colon = nameAndTag.lastIndexOf(':');
  const tag = colon > nameAndTag.lastIndexOf('/') ? nameAndTag.slice(colon + 1) : '';
  if (tag === 'latest') return 'Always';
  if (tag === '' && at < 0) return 'Always';
  return 'IfNotPresent';
}

function defaultHandler(h: any): void {
  if (h?.httpGet) {
    if (!h.httpGet.path) h.httpGet.path = '/';
    if (!h.httpGet.scheme) h.httpGet.scheme = 'HTTP';
  }
}

function defaultProbe(p: any): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  defaultHandler(p);
}

export function defaultContainer(c: any): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  // Upstream's ResourceRequirements is a value type, so it is always printed, even empty.
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef && !e.valueFrom.fieldRef.apiVersion) e.valueFrom.fieldRef.apiVersion = 'v1';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHandler(c.lifecycle?.postStart);
  defaultHandler(c.lifecycle?.preStop);
}

export function defaultPodSpec(spec: any): void {
  if (!spec) return;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  // The deprecated alias is kept in step with the real field, as upstream's conversion does.
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  else if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  for (const list of [spec.containers, spec.initContainers, spec.ephemeralContainers]) for (const c of list ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  if (spec.hostNetwork) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}

export function defaultPodTemplateSpec(tpl: any): void {
  if (!tpl) return;
  tpl.metadata ??= {};
  tpl.spec ??= {};
  defaultPodSpec(tpl.spec);
}

/** Pod-only defaults (SetDefaults_Pod): requests follow limits; service links on. */
export function defaultPodOnly(spec: any): void {
  spec.enableServiceLinks ??= true;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(limits)) if (!(k in c.resources.requests)) c.resources.requests[k] = v;
  }
}

// ---------------------------------------------------------------- validation

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

function validateSecurityContext(sc: any, path: string): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup']) {
    const v = sc[f];
    if (typeof v === 'number' && (v < 0 || v > 2147483647)) errs.push(invalid(`${path}.${f}`, v, 'must be between 0 and 2147483647, inclusive'));
  }
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
    errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  if (sc.procMount !== undefined && !['Default', 'Unmasked'].includes(sc.procMount)) {
    errs.push(notSupported(`${path}.procMount`, sc.procMount, ['Default', 'Unmasked']));
  }
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

function validatePodSecurityContext(sc: any, path: string): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    const v = sc[f];
    if (typeof v === 'number' && (v < 0 || v > 2147483647)) errs.push(invalid(`${path}.${f}`, v, 'must be between 0 and 2147483647, inclusive'));
  }
  (sc.supplementalGroups ?? []).forEach((g: number, i: number) => {
    if (g < 0 || g > 2147483647) errs.push(invalid(`${path}.supplementalGroups[${i}]`, g, 'must be between 0 and 2147483647, inclusive'));
  });
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

type ContainerKind = 'container' | 'init' | 'ephemeral';

function validateContainer(c: any, path: string, volumes: Set<string>, kind: ContainerKind): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`));
  else for (const m of isDNS1123Label(c.name)) errs.push(invalid(`${path}.name`, c.name, m));
  if (!c.image) errs.push(required(`${path}.image`));
  const tmp = c.terminationMessagePolicy;
  if (tmp === undefined || tmp === '') errs.push(required(`${path}.terminationMessagePolicy`, "must be 'File' or 'FallbackToLogsOnError'"));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, `${path}.volumeMounts`));
  const pp = c.imagePullPolicy;
  if (pp === undefined || pp === '') errs.push(required(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(pp)) errs.push(notSupported(`${path}.imagePullPolicy`, pp, PULL_POLICIES));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`));

  const sidecar = kind === 'init' && c.restartPolicy === 'Always';
  if (kind === 'container' || sidecar) {
    errs.push(...validateProbe(c.livenessProbe, `${path}.livenessProbe`, 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, `${path}.readinessProbe`, 'readiness'));
    errs.push(...validateProbe(c.startupProbe, `${path}.startupProbe`, 'startup'));
    for (const h of ['postStart', 'preStop']) if (c.lifecycle?.[h]) errs.push(...validateHandler(c.lifecycle[h], `${path}.lifecycle.${h}`, true));
  } else {
    const what = kind === 'init' ? 'may not be set for init containers without restartPolicy=Always' : 'cannot be set for an Ephemeral Container';
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) if (c[f]) errs.push(forbidden(`${path}.${f}`, what));
  }
  if (kind === 'container' && c.restartPolicy !== undefined) errs.push(forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
  if (kind === 'init' && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
    errs.push(notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  }
  return errs;
}

function validateContainerList(list: any[] | undefined, path: string, volumes: Set<string>, kind: ContainerKind, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  (list ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainer(c, p, volumes, kind));
    if (c.name && names.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
    if (c.name) names.add(c.name);
  });
  return errs;
}

export function validatePodSpec(spec: any, path: string, opts?: { isTemplate?: boolean }): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const { errs: volErrs, names: volumes } = validateVolumes(s.volumes, `${path}.volumes`);
  errs.push(...volErrs);
  const names = new Set<string>();
  if (!s.containers || s.containers.length === 0) errs.push(required(`${path}.containers`));
  errs.push(...validateContainerList(s.containers, `${path}.containers`, volumes, 'container', names));
  errs.push(...validateContainerList(s.initContainers, `${path}.initContainers`, volumes, 'init', names));
  if (opts?.isTemplate && s.ephemeralContainers?.length) {
    errs.push(forbidden(`${path}.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  } else {
    errs.push(...validateContainerList(s.ephemeralContainers, `${path}.ephemeralContainers`, volumes, 'ephemeral', names));
  }
  const rp = s.restartPolicy;
  if (rp === undefined || rp === '') errs.push(required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(rp)) errs.push(notSupported(`${path}.restartPolicy`, rp, RESTART_POLICIES));
  const dp = s.dnsPolicy;
  if (dp === undefined || dp === '') errs.push(required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dp)) errs.push(notSupported(`${path}.dnsPolicy`, dp, DNS_POLICIES));
  if (dp === 'None' && !s.dnsConfig) errs.push(required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  errs.push(...validateNodeSelector(s.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(s.securityContext, `${path}.securityContext`));
  (s.imagePullSecrets ?? []).forEach((r: any, i: number) => {
    if (!r?.name) errs.push(required(`${path}.imagePullSecrets[${i}].name`));
  });
  errs.push(...validateAffinity(s.affinity, `${path}.affinity`));
  (s.readinessGates ?? []).forEach((g: any, i: number) => {
    for (const m of isQualifiedName(g.conditionType ?? '')) errs.push(invalid(`${path}.readinessGates[${i}].conditionType`, g.conditionType ?? '', m));
  });
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  if (s.serviceAccountName) for (const m of isDNS1123Subdomain(s.serviceAccountName)) errs.push(invalid(`${path}.serviceAccountName`, s.serviceAccountName, m));
  if (s.nodeName) for (const m of isDNS1123Subdomain(s.nodeName)) errs.push(invalid(`${path}.nodeName`, s.nodeName, m));
  if (s.activeDeadlineSeconds !== undefined && s.activeDeadlineSeconds !== null) {
    const v = s.activeDeadlineSeconds;
    if (v < 1 || v > 2147483647) errs.push(invalid(`${path}.activeDeadlineSeconds`, v, 'must be between 1 and 2147483647, inclusive'));
  }
  if (s.hostname) for (const m of isDNS1123Label(s.hostname)) errs.push(invalid(`${path}.hostname`, s.hostname, m));
  if (s.subdomain) for (const m of isDNS1123Label(s.subdomain)) errs.push(invalid(`${path}.subdomain`, s.subdomain, m));
  errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  if (s.priorityClassName) for (const m of isDNS1123Subdomain(s.priorityClassName)) errs.push(invalid(`${path}.priorityClassName`, s.priorityClassName, m));
  if (s.runtimeClassName) for (const m of isDNS1123Subdomain(s.runtimeClassName)) errs.push(invalid(`${path}.runtimeClassName`, s.runtimeClassName, m));
  if (s.preemptionPolicy !== undefined && !['Never', 'PreemptLowerPriority'].includes(s.preemptionPolicy)) {
    errs.push(notSupported(`${path}.preemptionPolicy`, s.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  return errs;
}

/**
 * Checks upstream makes of a pod's containers but not of a pod template's (templates kept accepting them for
 * backward compatibility): an image with leading or trailing whitespace, which no runtime could pull.
 */
export function validateContainersOnlyForPod(spec: any, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['containers', 'initContainers', 'ephemeralContainers']) {
    const list = spec?.[f];
    if (!Array.isArray(list)) continue;
    list.forEach((c: any, i: number) => {
      const image = c?.image;
      if (typeof image === 'string' && image.trim() !== image)
        errs.push(invalid(`${path}.${f}[${i}].image`, image, 'must not have leading or trailing whitespace'));
    });
  }
  return errs;
}

export function validatePodTemplateSpec(tpl: any, path: string): FieldError[] {
  if (!tpl) return [required(path)];
  const meta = tpl.metadata ?? {};
  return [
    ...validateLabels(meta.labels, `${path}.labels`),
    ...validateAnnotations(meta.annotations, `${path}.annotations`),
    ...validatePodSpec(tpl.spec, `${path}.spec`, { isTemplate: true }),
  ];
}

export const POD_UPDATE_FORBIDDEN_PREFIX =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const json = (v: unknown) => JSON.stringify(v ?? null);

/** A readable list of the paths that differ, standing in for upstream's cmp.Diff output. */
function specDiff(oldSpec: any, newSpec: any, path = 'spec'): string[] {
  if (json(oldSpec) === json(newSpec)) return [];
  const bothObjects = oldSpec && newSpec && typeof oldSpec === 'object' && typeof newSpec === 'object';
  if (!bothObjects) return [`  ${path}: ${json(oldSpec)} -> ${json(newSpec)}`];
  if (Array.isArray(oldSpec) && Array.isArray(newSpec)) {
    if (oldSpec.length !== newSpec.length) return [`  ${path}: ${json(oldSpec)} -> ${json(newSpec)}`];
    return oldSpec.flatMap((o, i) => specDiff(o, newSpec[i], `${path}[${i}]`));
  }
  const keys = new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)]);
  return [...keys].sort().flatMap((k) => specDiff(oldSpec[k], newSpec[k], `${path}.${k}`));
}

function validateContainerUpdates(newList: any[] | undefined, oldList: any[] | undefined, path: string): { errs: FieldError[]; stop: boolean } {
  const n = newList ?? [];
  const o = oldList ?? [];
  if (n.length !== o.length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    if (!c.image) errs.push(required(`${path}[${i}].image`));
  });
  return { errs, stop: false };
}

const sameToleration = (a: any, b: any) =>
  (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/** Spec immutability of a running pod (upstream's ValidatePodUpdate, minus metadata which callers check). */
export function validatePodSpecUpdate(newSpec: any, oldSpec: any, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(newSpec?.[f], oldSpec?.[f], `${path}.${f}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const nd = newSpec?.activeDeadlineSeconds;
  const od = oldSpec?.activeDeadlineSeconds;
  if (nd !== undefined && nd !== null) {
    if (nd < 0 || nd > 2147483647) return [...errs, invalid(`${path}.activeDeadlineSeconds`, nd, 'must be between 0 and 2147483647, inclusive')];
    if (od !== undefined && od !== null && od < nd)
      return [...errs, invalid(`${path}.activeDeadlineSeconds`, nd, 'must be less than or equal to previous value')];
  } else if (od !== undefined && od !== null) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, null, 'must not update from a positive integer to nil value'));
  }
  const oldTols: any[] = oldSpec?.tolerations ?? [];
  const newTols: any[] = newSpec?.tolerations ?? [];
  oldTols.forEach((t, i) => {
    if (!newTols.some((n) => sameToleration(n, t)))
      errs.push(forbidden(`${path}.tolerations[${i}]`, 'existing toleration can not be modified except its tolerationSeconds'));
  });
  if (json(newSpec) === json(oldSpec)) return errs;

  // Put back everything that may change, then anything still different is forbidden.
  const munged = structuredClone(newSpec ?? {});
  const restoreImages = (f: string) =>
    (munged[f] ?? []).forEach((c: any, i: number) => {
      c.image = oldSpec?.[f]?.[i]?.image;
    });
  restoreImages('containers');
  restoreImages('initContainers');
  setOrDelete(munged, 'activeDeadlineSeconds', oldSpec?.activeDeadlineSeconds);
  setOrDelete(munged, 'tolerations', oldSpec?.tolerations);
  setOrDelete(munged, 'schedulingGates', oldSpec?.schedulingGates);
  if ((oldSpec?.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  // A pod that is still gated may gain node selectors and affinity.
  if ((oldSpec?.schedulingGates ?? []).length > 0) {
    setOrDelete(munged, 'nodeSelector', oldSpec?.nodeSelector);
    setOrDelete(munged, 'affinity', oldSpec?.affinity);
  }
  const diff = specDiff(oldSpec ?? {}, munged, path);
  if (diff.length) errs.push(forbidden(path, `${POD_UPDATE_FORBIDDEN_PREFIX}\n${diff.join('\n')}`));
  return errs;
}

function setOrDelete(obj: any, key: string, value: unknown): void {
  if (value === undefined) delete obj[key];
  else obj[key] = structuredClone(value);
}
