// Pod volumes: defaults (emptyDir when no source, file modes 0644) and upstream's one-source-per-volume rules.
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../errors';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names';
import { VOLUME_FIELD_PATHS, validateObjectFieldSelector } from '../../validation/resources';

const DEFAULT_MODE = 0o644;

/** Every volume source upstream knows, in the order its validation counts them. */
export const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'projected',
  'csi',
  'ephemeral',
  'image',
];

function defaultFieldRefs(items: any[] | undefined): void {
  for (const it of items ?? []) if (it.fieldRef && !it.fieldRef.apiVersion) it.fieldRef.apiVersion = 'v1';
}

export function defaultVolume(v: any): void {
  if (!VOLUME_SOURCES.some((s) => v[s])) v.emptyDir = {};
  for (const s of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    if (v[s] && v[s].defaultMode === undefined) v[s].defaultMode = DEFAULT_MODE;
  }
  if (v.downwardAPI) defaultFieldRefs(v.downwardAPI.items);
  for (const src of v.projected?.sources ?? []) {
    if (src.downwardAPI) defaultFieldRefs(src.downwardAPI.items);
    if (src.serviceAccountToken && src.serviceAccountToken.expirationSeconds === undefined) src.serviceAccountToken.expirationSeconds = 3600;
  }
  if (v.hostPath && v.hostPath.type === undefined) v.hostPath.type = '';
}

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateKeyToPaths(items: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((it, i) => {
    const p = `${path}.items[${i}]`;
    if (!it.key) errs.push(required(`${p}.key`));
    if (!it.path) errs.push(required(`${p}.path`));
    else errs.push(...validateLocalPath(it.path, `${p}.path`));
  });
  return errs;
}

/** Relative paths without '..' elements, as upstream requires for item paths and subPaths. */
export function validateLocalPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
  return errs;
}

function validateSource(v: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (v.hostPath) {
    if (!v.hostPath.path) errs.push(required(`${path}.hostPath.path`));
    if (v.hostPath.type !== undefined && !HOST_PATH_TYPES.includes(v.hostPath.type)) {
      errs.push(notSupported(`${path}.hostPath.type`, v.hostPath.type, HOST_PATH_TYPES));
    }
  }
  if (v.emptyDir?.medium && !['', 'Memory', 'HugePages'].includes(v.emptyDir.medium) && !String(v.emptyDir.medium).startsWith('HugePages-')) {
    errs.push(notSupported(`${path}.emptyDir.medium`, v.emptyDir.medium, ['', 'Memory', 'HugePages']));
  }
  if (v.secret) {
    if (!v.secret.secretName) errs.push(required(`${path}.secret.secretName`));
    else for (const m of isDNS1123Subdomain(v.secret.secretName)) errs.push(invalid(`${path}.secret.secretName`, v.secret.secretName, m));
    errs.push(...validateKeyToPaths(v.secret.items, `${path}.secret`));
  }
  if (v.configMap) {
    if (!v.configMap.name) errs.push(required(`${path}.configMap.name`));
    else for (const m of isDNS1123Subdomain(v.configMap.name)) errs.push(invalid(`${path}.configMap.name`, v.configMap.name, m));
    errs.push(...validateKeyToPaths(v.configMap.items, `${path}.configMap`));
  }
  if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(required(`${path}.persistentVolumeClaim.claimName`));
  if (v.nfs) {
    if (!v.nfs.server) errs.push(required(`${path}.nfs.server`));
    if (!v.nfs.path) errs.push(required(`${path}.nfs.path`));
  }
  if (v.downwardAPI) {
    (v.downwardAPI.items ?? []).forEach((it: any, i: number) => {
      const p = `${path}.downwardAPI.items[${i}]`;
      if (!it.path) errs.push(required(`${p}.path`));
      else errs.push(...validateLocalPath(it.path, `${p}.path`));
      if (it.fieldRef) errs.push(...validateObjectFieldSelector(it.fieldRef, VOLUME_FIELD_PATHS, `${p}.fieldRef`));
      if (it.fieldRef && it.resourceFieldRef) errs.push(invalid(p, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    });
  }
  if (v.csi && !v.csi.driver) errs.push(required(`${path}.csi.driver`));
  if (v.image && !v.image.reference) errs.push(required(`${path}.image.reference`));
  return errs;
}

/** Validates the list and returns the names it defines, which volumeMounts must reference. */
export function validateVolumes(volumes: any[] | undefined, path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = `${path}[${i}]`;
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) errs.push(required(p, 'must specify a volume type'));
    else if (sources.length > 1) errs.push(forbidden(`${p}.${sources[1]}`, 'may not specify more than 1 volume type'));
    errs.push(...validateSource(v, p));
    if (!v.name) errs.push(required(`${p}.name`));
    else for (const m of isDNS1123Label(v.name)) errs.push(invalid(`${p}.name`, v.name, m));
    if (v.name && names.has(v.name)) errs.push(duplicate(`${p}.name`, v.name));
    if (v.name) names.add(v.name);
  });
  return { errs, names };
}

export function validateVolumeMounts(mounts: any[] | undefined, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!m.name) errs.push(required(`${p}.name`));
    if (!volumes.has(m.name ?? '')) errs.push({ type: 'FieldValueNotFound', field: `${p}.name`, badValue: m.name ?? '' });
    if (!m.mountPath) errs.push(required(`${p}.mountPath`));
    if (m.mountPath && seen.has(m.mountPath)) errs.push(invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
    if (m.mountPath) seen.add(m.mountPath);
    if (m.subPath) errs.push(...validateLocalPath(m.subPath, `${path}.subPath`));
    if (m.mountPropagation !== undefined && !['None', 'HostToContainer', 'Bidirectional'].includes(m.mountPropagation)) {
      errs.push(notSupported(`${p}.mountPropagation`, m.mountPropagation, ['Bidirectional', 'HostToContainer', 'None']));
    }
  });
  return errs;
}
