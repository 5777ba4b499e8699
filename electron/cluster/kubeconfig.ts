// kubeconfig files for the admin user (kind-like: cluster/context/user all named after the cluster).
import YAML from 'yaml';
import { writeFileSync, renameSync } from 'node:fs';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  context?: string;
  user?: string;
  namespace?: string;
}

export function kubeconfigYaml(k: KubeconfigInput): string {
  const name = k.context ?? 'kubelab';
  const user = k.user ?? name;
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const u: Record<string, string> = {};
  if (k.certPem) u['client-certificate-data'] = b64(k.certPem);
  if (k.keyPem) u['client-key-data'] = b64(k.keyPem);
  if (k.token) u.token = k.token;
  const ctx: Record<string, string> = { cluster: name, user };
  if (k.namespace) ctx.namespace = k.namespace;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: k.server, 'certificate-authority-data': b64(k.caPem) } }],
    contexts: [{ name, context: ctx }],
    'current-context': name,
    preferences: {},
    users: [{ name: user, user: u }],
  });
}

/** written atomically so a reader never sees half a file */
export function writeKubeconfig(path: string, k: KubeconfigInput): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, kubeconfigYaml(k), { mode: 0o600 });
  renameSync(tmp, path);
}
