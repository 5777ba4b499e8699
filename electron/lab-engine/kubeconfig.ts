// Reads a kubeconfig (current or named context) into what an HTTPS client needs; works for any cluster.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';

export interface Credentials {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecure: boolean;
  namespace?: string;
}

export function readKubeconfig(path: string, context?: string): Credentials {
  const doc = YAML.parse(readFileSync(path, 'utf8')) as any;
  const ctxName = context ?? doc?.['current-context'];
  const ctx = (doc?.contexts ?? []).find((c: any) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`${path}: context "${ctxName ?? ''}" not found`);
  const cluster = (doc.clusters ?? []).find((c: any) => c.name === ctx.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`${path}: cluster "${ctx.cluster}" has no server`);
  const user = (doc.users ?? []).find((u: any) => u.name === ctx.user)?.user ?? {};
  const base = dirname(path);
  // kubeconfigs carry either inline base64 data or paths relative to the file
  const blob = (data?: string, file?: string) => (data ? Buffer.from(data, 'base64') : file ? readFileSync(resolve(base, file)) : undefined);
  return {
    server: String(cluster.server).replace(/\/+$/, ''),
    ca: blob(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: blob(user['client-certificate-data'], user['client-certificate']),
    key: blob(user['client-key-data'], user['client-key']),
    token: user.token ?? (user.tokenFile ? readFileSync(resolve(base, user.tokenFile), 'utf8').trim() : undefined),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    namespace: ctx.namespace,
  };
}
