// PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1), the part of kube-apiserver's
// --admission-control-config-file that sets cluster-wide defaults and exemptions. Read from
// <data-dir>/pod-security.yaml when present; otherwise upstream's defaults (privileged everywhere, no exemptions).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

export interface PodSecurityConfig {
  /** mode → level/version used when a namespace has no label of its own, e.g. { enforce: 'baseline' } */
  defaults: Record<string, string>;
  exemptions: { usernames: string[]; namespaces: string[]; runtimeClasses: string[] };
}

export const DEFAULT_POD_SECURITY: PodSecurityConfig = { defaults: {}, exemptions: { usernames: [], namespaces: [], runtimeClasses: [] } };

export function parsePodSecurityConfig(text: string, where: string): PodSecurityConfig {
  const doc = YAML.parse(text) ?? {};
  if (doc.kind !== 'PodSecurityConfiguration') throw new Error(`${where}: kind must be PodSecurityConfiguration`);
  const defaults: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.defaults ?? {})) if (typeof v === 'string') defaults[k] = v;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const ex = doc.exemptions ?? {};
  return { defaults, exemptions: { usernames: list(ex.usernames), namespaces: list(ex.namespaces), runtimeClasses: list(ex.runtimeClasses) } };
}

export function loadPodSecurityConfig(dataDir: string): PodSecurityConfig {
  const file = join(dataDir, 'pod-security.yaml');
  return existsSync(file) ? parsePodSecurityConfig(readFileSync(file, 'utf8'), file) : DEFAULT_POD_SECURITY;
}
