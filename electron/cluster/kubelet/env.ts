// A container's environment as the kubelet builds it: service links, envFrom, env (with valueFrom and $(VAR)
// expansion in declaration order), then HOSTNAME is the runtime's. Errors carry upstream's messages and become
// CreateContainerConfigError.
import type { KObject } from '../api/types';
import { expandVars } from './expand';
import { DownwardError, fieldRefValue, resourceFieldValue } from './downward';

export class EnvConfigError extends Error {}

export interface ConfigSource {
  configMap(namespace: string, name: string): KObject | undefined;
  secret(namespace: string, name: string): KObject | undefined;
  services(namespace: string): KObject[];
  nodeAllocatable(): Record<string, string>;
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

function configMapValue(cm: KObject, key: string): string | undefined {
  if (cm.data && key in cm.data) return cm.data[key];
  if (cm.binaryData && key in cm.binaryData) return decode(cm.binaryData[key]);
  return undefined;
}

/** `<SVC>_SERVICE_HOST`, `<SVC>_SERVICE_PORT`… and the Docker-link style `<SVC>_PORT_80_TCP…` variables */
export function serviceLinkEnv(namespace: string, enableServiceLinks: boolean, src: ConfigSource): Map<string, string> {
  const out = new Map<string, string>();
  const svcs: KObject[] = [];
  // the API server's own service is always advertised, as upstream does even with service links disabled
  const master = src.services('default').find((s) => s.metadata.name === 'kubernetes');
  if (master && namespace !== 'default') svcs.push(master);
  if (enableServiceLinks) svcs.push(...src.services(namespace));
  else if (namespace === 'default' && master) svcs.push(master);
  for (const s of svcs) {
    const ip = s.spec?.clusterIP;
    if (!ip || ip === 'None' || s.spec?.type === 'ExternalName') continue;
    const n = s.metadata.name!.toUpperCase().replace(/-/g, '_');
    const ports: { name?: string; port: number; protocol?: string }[] = s.spec?.ports ?? [];
    out.set(`${n}_SERVICE_HOST`, ip);
    if (ports[0]) out.set(`${n}_SERVICE_PORT`, String(ports[0].port));
    for (const p of ports) if (p.name) out.set(`${n}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, String(p.port));
    if (ports[0]) out.set(`${n}_PORT`, `${(ports[0].protocol ?? 'TCP').toLowerCase()}://${ip}:${ports[0].port}`);
    for (const p of ports) {
      const proto = (p.protocol ?? 'TCP').toUpperCase();
      const base = `${n}_PORT_${p.port}_${proto}`;
      out.set(base, `${proto.toLowerCase()}://${ip}:${p.port}`);
      out.set(`${base}_PROTO`, proto.toLowerCase());
      out.set(`${base}_PORT`, String(p.port));
      out.set(`${base}_ADDR`, ip);
    }
  }
  return out;
}

export interface ResolvedEnv {
  env: { name: string; value: string }[];
  lookup: (name: string) => string | undefined;
}

export function resolveContainerEnv(pod: KObject, container: any, src: ConfigSource): ResolvedEnv {
  const ns = pod.metadata.namespace ?? 'default';
  const serviceEnv = serviceLinkEnv(ns, pod.spec?.enableServiceLinks !== false, src);
  const vars = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = src.configMap(ns, from.configMapRef.name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new EnvConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const k of Object.keys(cm.data ?? {})) vars.set(prefix + k, cm.data[k]);
    } else if (from.secretRef) {
      const s = src.secret(ns, from.secretRef.name);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new EnvConfigError(`secret "${from.secretRef.name}" not found`);
      }
      for (const k of Object.keys(s.data ?? {})) vars.set(prefix + k, decode(s.data[k]));
      for (const k of Object.keys(s.stringData ?? {})) vars.set(prefix + k, s.stringData[k]);
    }
  }

  const mapping = (name: string) => vars.get(name) ?? serviceEnv.get(name);
  for (const e of container.env ?? []) {
    let value: string | undefined;
    if (e.valueFrom) {
      const vf = e.valueFrom;
      if (vf.configMapKeyRef) {
        const r = vf.configMapKeyRef;
        const cm = src.configMap(ns, r.name);
        if (!cm) {
          if (r.optional) continue;
          throw new EnvConfigError(`configmap "${r.name}" not found`);
        }
        value = configMapValue(cm, r.key);
        if (value === undefined) {
          if (r.optional) continue;
          throw new EnvConfigError(`couldn't find key ${r.key} in ConfigMap ${ns}/${r.name}`);
        }
      } else if (vf.secretKeyRef) {
        const r = vf.secretKeyRef;
        const s = src.secret(ns, r.name);
        if (!s) {
          if (r.optional) continue;
          throw new EnvConfigError(`secret "${r.name}" not found`);
        }
        const raw = s.data?.[r.key];
        if (raw === undefined) {
          if (r.optional) continue;
          throw new EnvConfigError(`couldn't find key ${r.key} in Secret ${ns}/${r.name}`);
        }
        value = decode(raw);
      } else if (vf.fieldRef) {
        try {
          value = fieldRefValue(pod, vf.fieldRef.fieldPath);
        } catch (err) {
          throw new EnvConfigError((err as DownwardError).message);
        }
      } else if (vf.resourceFieldRef) {
        try {
          value = resourceFieldValue(pod, vf.resourceFieldRef, container.name, src.nodeAllocatable());
        } catch (err) {
          throw new EnvConfigError((err as Error).message);
        }
      }
    } else {
      value = expandVars(e.value ?? '', mapping);
    }
    vars.set(e.name, value ?? '');
  }
  for (const [k, v] of serviceEnv) if (!vars.has(k)) vars.set(k, v);
  const env = [...vars].map(([name, value]) => ({ name, value }));
  return { env, lookup: (n) => vars.get(n) };
}
