// Pod volumes as host folders under <podDir>/volumes/<type>/<name> (memory-backed kinds on a tmpfs where there is
// one, see memory-dir.ts): emptyDir, configMap, secret, downwardAPI,
// projected (with ServiceAccount tokens), hostPath (a per-node folder in the data dir), and pluggable mounters
// (persistentVolumeClaim, csi, …) supplied by the storage component.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KObject } from '../api/types';
import { quantityValue } from '../api/quantity';
import type { Mount } from '../runtime/interface';
import { writeProjection, type ProjectedFile } from './atomic-writer';
import { fieldRefValue, resourceFieldValue } from './downward';
import type { ConfigSource } from './env';
import { componentLog } from '../best-effort';

export class VolumeError extends Error {}

const log = componentLog('kubelet volumes');

export interface MountedVolume {
  name: string;
  type: string;
  hostPath: string;
  /** contents the kubelet keeps in sync with the API (configMap, secret, downwardAPI, projected) */
  projected: boolean;
  readOnly: boolean;
  tmpfs?: boolean;
  sizeLimitBytes?: number;
}

/** how the storage component plugs in: resolve a PVC (or csi/ephemeral) volume to a host folder */
export interface VolumeMounter {
  mount(pod: KObject, volume: any, ctx: { podDir: string; nodeName: string }): Promise<{ hostPath: string; readOnly?: boolean }>;
  unmount?(pod: KObject, volume: any): Promise<void>;
}

export interface TokenSource {
  /** a ServiceAccount token for the pod (TokenRequest); returns token and expiry in ms */
  token(pod: KObject, audience: string | undefined, expirationSeconds: number): Promise<{ token: string; expiresAt: number }>;
}

const DEFAULT_MODE = 0o644;
const VOLUME_TYPES = [
  'emptyDir',
  'configMap',
  'secret',
  'downwardAPI',
  'projected',
  'hostPath',
  'persistentVolumeClaim',
  'csi',
  'ephemeral',
  'nfs',
  'iscsi',
  'image',
];

export function volumeType(v: any): string {
  return VOLUME_TYPES.find((t) => v[t] !== undefined) ?? Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
}

/** kubernetes.io~empty-dir style folder names, so `mount` inside a container looks familiar */
const PLUGIN_DIR: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

export class VolumeManager {
  private tokens = new Map<string, { token: string; expiresAt: number; issuedAt: number }>();
  private written = new Map<string, string>();

  constructor(
    private nodeName: string,
    private nodeDir: string,
    private src: ConfigSource,
    private tokenSource: TokenSource,
    readonly mounters: Map<string, VolumeMounter>,
    /** tmpfs root for memory-backed volumes (see memory-dir.ts); undefined keeps them in the pod's folder */
    private memoryRoot?: string,
  ) {}

  podDir(uid: string): string {
    return path.join(this.nodeDir, 'pods', uid);
  }

  private closed = false;
  /** the kubelet is stopping: no more volume contents, so none outlive the cluster's tmpfs folder */
  close(): void {
    this.closed = true;
  }
  private assertOpen(): void {
    if (this.closed) throw new VolumeError('the kubelet is stopping');
  }

  /** secret, configMap, downwardAPI, projected and Memory emptyDir volumes */
  private volumeDir(uid: string, type: string, name: string, inMemory: boolean): string {
    const base = inMemory && this.memoryRoot ? path.join(this.memoryRoot, uid) : path.join(this.podDir(uid), 'volumes');
    return path.join(base, PLUGIN_DIR[type] ?? `kubernetes.io~${type}`, name);
  }

  /** materialises every volume; a failure names the volume like upstream's FailedMount message */
  async setup(pod: KObject): Promise<Map<string, MountedVolume>> {
    const out = new Map<string, MountedVolume>();
    for (const v of pod.spec?.volumes ?? []) {
      try {
        out.set(v.name, await this.setupOne(pod, v));
      } catch (err) {
        const msg = (err as Error).message;
        throw new VolumeError(err instanceof VolumeError && msg.startsWith('Unable') ? msg : `MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
      }
    }
    return out;
  }

  /** rewrites projected contents that changed (configMap/secret edits, label changes, token rotation) */
  async refresh(pod: KObject, mounted: Map<string, MountedVolume>): Promise<void> {
    for (const v of pod.spec?.volumes ?? []) {
      const m = mounted.get(v.name);
      if (!m?.projected) continue;
      try {
        const files = await this.projectionFor(pod, v);
        if (!files) continue;
        // compare in memory first: most refreshes change nothing and should not touch the disk
        const fp = fingerprint(files);
        if (this.written.get(m.hostPath) === fp) continue;
        if (this.closed) return;
        writeProjection(m.hostPath, files, volumeRootMode(m.type));
        this.written.set(m.hostPath, fp);
      } catch (err) {
        // keep the last good contents, as the kubelet does while an object is missing; a disk fault is worth a line
        if (!(err instanceof VolumeError)) log(`refreshing volume ${v.name} of ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`);
      }
    }
  }

  async teardown(pod: KObject): Promise<void> {
    const uid = pod.metadata.uid!;
    // every volume is unmounted and the pod's folders go even when one unmount fails; the failures are then
    // thrown together for the kubelet's log
    const failed: string[] = [];
    for (const v of pod.spec?.volumes ?? []) {
      const m = this.mounters.get(volumeType(v));
      if (m?.unmount) await m.unmount(pod, v).catch((err) => failed.push(`unmounting ${v.name}: ${(err as Error).message}`));
    }
    for (const k of [...this.tokens.keys()]) if (k.startsWith(uid + '/')) this.tokens.delete(k);
    for (const k of [...this.written.keys()]) if (k.startsWith(this.podDir(uid) + path.sep)) this.written.delete(k);
    await Promise.all([
      fs.promises.rm(path.join(this.podDir(uid), 'volumes'), { recursive: true, force: true }),
      ...(this.memoryRoot ? [fs.promises.rm(path.join(this.memoryRoot, uid), { recursive: true, force: true })] : []),
      fs.promises.rm(path.join(this.podDir(uid), 'volume-subpaths'), { recursive: true, force: true }),
    ]);
    if (failed.length) throw new VolumeError(failed.join('; '));
  }

  /** container mounts for one container; subPath files of projected volumes are copied so they never update */
  containerMounts(pod: KObject, container: any, mounted: Map<string, MountedVolume>, lookup: (n: string) => string | undefined): Mount[] {
    const mounts: Mount[] = [];
    for (const [i, vm] of (container.volumeMounts ?? []).entries() as IterableIterator<[number, any]>) {
      const vol = mounted.get(vm.name);
      if (!vol) throw new VolumeError(`volume "${vm.name}" not found`);
      let hostPath = vol.hostPath;
      const sub: string | undefined =
        vm.subPath || (vm.subPathExpr ? vm.subPathExpr.replace(/\$\(([^)]*)\)/g, (_m: string, n: string) => lookup(n) ?? '') : undefined);
      if (sub) {
        const target = path.join(vol.hostPath, sub);
        if (!target.startsWith(vol.hostPath)) throw new VolumeError(`subpath "${sub}" not within volume path "${vol.hostPath}"`);
        if (vol.projected) {
          const copy = path.join(this.podDir(pod.metadata.uid!), 'volume-subpaths', vm.name, container.name, String(i));
          fs.mkdirSync(path.dirname(copy), { recursive: true });
          if (fs.existsSync(target) && fs.statSync(target).isFile()) {
            if (!fs.existsSync(copy)) fs.copyFileSync(target, copy);
          } else fs.mkdirSync(copy, { recursive: true });
          hostPath = copy;
        } else {
          if (!fs.existsSync(target)) fs.mkdirSync(target, { recursive: true });
          hostPath = target;
        }
      }
      mounts.push({
        containerPath: vm.mountPath,
        hostPath,
        readOnly: !!vm.readOnly || vol.readOnly,
        propagation: vm.mountPropagation,
        volumeName: vm.name,
        volumeType: vol.type,
        tmpfs: vol.tmpfs,
        sizeLimitBytes: vol.sizeLimitBytes,
      });
    }
    return mounts;
  }

  private async setupOne(pod: KObject, v: any): Promise<MountedVolume> {
    const type = volumeType(v);
    const uid = pod.metadata.uid!;
    const inMemory =
      type === 'configMap' || type === 'secret' || type === 'downwardAPI' || type === 'projected' || (type === 'emptyDir' && v.emptyDir?.medium === 'Memory');
    const dir = this.volumeDir(uid, type, v.name, inMemory);
    switch (type) {
      case 'emptyDir': {
        this.assertOpen();
        fs.mkdirSync(dir, { recursive: true });
        const limit = v.emptyDir.sizeLimit !== undefined ? quantityValue(v.emptyDir.sizeLimit) : 0;
        return { name: v.name, type, hostPath: dir, projected: false, readOnly: false, tmpfs: v.emptyDir.medium === 'Memory', sizeLimitBytes: limit };
      }
      case 'hostPath':
        return this.hostPath(v);
      case 'configMap':
      case 'secret':
      case 'downwardAPI':
      case 'projected': {
        const files = (await this.projectionFor(pod, v)) ?? new Map();
        this.assertOpen();
        writeProjection(dir, files, volumeRootMode(type));
        this.written.set(dir, fingerprint(files));
        return { name: v.name, type, hostPath: dir, projected: true, readOnly: true, tmpfs: type === 'secret' || type === 'projected' };
      }
      default: {
        const m = this.mounters.get(type);
        if (!m) {
          if (type === 'persistentVolumeClaim')
            throw new VolumeError(
              `Unable to attach or mount volumes: unmounted volumes=[${v.name}], unattached volumes=[${v.name}]: persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" is not available on this node yet`,
            );
          throw new VolumeError(`volume plugin for ${type} is not available on node ${this.nodeName}`);
        }
        const r = await m.mount(pod, v, { podDir: this.podDir(uid), nodeName: this.nodeName });
        return { name: v.name, type, hostPath: r.hostPath, projected: false, readOnly: !!r.readOnly };
      }
    }
  }

  private hostPath(v: any): MountedVolume {
    const p: string = v.hostPath.path ?? '/';
    const host = path.join(this.nodeDir, 'host', path.posix.normalize('/' + p));
    const t: string = v.hostPath.type ?? '';
    const exists = fs.existsSync(host);
    const isDir = exists && fs.statSync(host).isDirectory();
    switch (t) {
      case 'Directory':
        if (!isDir) throw new VolumeError(`hostPath type check failed: ${p} is not a directory`);
        break;
      case 'File':
        if (!exists || isDir) throw new VolumeError(`hostPath type check failed: ${p} is not a file`);
        break;
      case 'FileOrCreate':
        if (!exists) {
          fs.mkdirSync(path.dirname(host), { recursive: true });
          fs.writeFileSync(host, '');
        }
        break;
      case 'Socket':
      case 'CharDevice':
      case 'BlockDevice':
        if (!exists)
          throw new VolumeError(
            `hostPath type check failed: ${p} is not a ${t === 'Socket' ? 'socket file' : t === 'CharDevice' ? 'character device' : 'block device'}`,
          );
        break;
      default:
        if (!exists) fs.mkdirSync(host, { recursive: true });
    }
    return { name: v.name, type: 'hostPath', hostPath: host, projected: false, readOnly: false };
  }

  /** the files a configMap/secret/downwardAPI/projected volume should contain right now */
  private async projectionFor(pod: KObject, v: any): Promise<Map<string, ProjectedFile> | undefined> {
    const files = new Map<string, ProjectedFile>();
    const ns = pod.metadata.namespace ?? 'default';
    if (v.configMap) this.keyed(files, 'configmap', ns, v.configMap.name, v.configMap, v.configMap.defaultMode ?? DEFAULT_MODE);
    else if (v.secret) this.keyed(files, 'secret', ns, v.secret.secretName, v.secret, v.secret.defaultMode ?? DEFAULT_MODE);
    else if (v.downwardAPI) this.downward(files, pod, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? DEFAULT_MODE);
    else if (v.projected) {
      const mode = v.projected.defaultMode ?? DEFAULT_MODE;
      for (const s of v.projected.sources ?? []) {
        if (s.configMap) this.keyed(files, 'configmap', ns, s.configMap.name, s.configMap, mode);
        else if (s.secret) this.keyed(files, 'secret', ns, s.secret.name, s.secret, mode);
        else if (s.downwardAPI) this.downward(files, pod, s.downwardAPI.items ?? [], mode);
        else if (s.serviceAccountToken) {
          const t = s.serviceAccountToken;
          files.set(t.path, { content: await this.tokenFor(pod, t.audience, t.expirationSeconds ?? 3600, t.path), mode });
        }
      }
    } else return undefined;
    return files;
  }

  private keyed(files: Map<string, ProjectedFile>, kind: 'configmap' | 'secret', ns: string, name: string, src: any, mode: number): void {
    const obj = kind === 'configmap' ? this.src.configMap(ns, name) : this.src.secret(ns, name);
    if (!obj) {
      if (src.optional) return;
      throw new VolumeError(`${kind} "${name}" not found`);
    }
    const data = new Map<string, Buffer>();
    if (kind === 'configmap') {
      for (const [k, val] of Object.entries(obj.data ?? {})) data.set(k, Buffer.from(String(val)));
      for (const [k, val] of Object.entries(obj.binaryData ?? {})) data.set(k, Buffer.from(String(val), 'base64'));
    } else {
      for (const [k, val] of Object.entries(obj.data ?? {})) data.set(k, Buffer.from(String(val), 'base64'));
    }
    if (src.items?.length) {
      for (const it of src.items) {
        const d = data.get(it.key);
        if (!d) {
          if (src.optional) continue;
          throw new VolumeError(
            `${kind === 'configmap' ? 'configmap' : 'secret'} references non-existent ${kind === 'configmap' ? 'config' : 'secret'} key: ${it.key}`,
          );
        }
        files.set(it.path, { content: d, mode: it.mode ?? mode });
      }
    } else {
      for (const [k, d] of data) files.set(k, { content: d, mode });
    }
  }

  private downward(files: Map<string, ProjectedFile>, pod: KObject, items: any[], mode: number): void {
    for (const it of items) {
      let value = '';
      if (it.fieldRef) value = fieldRefValue(pod, it.fieldRef.fieldPath, true);
      else if (it.resourceFieldRef) value = resourceFieldValue(pod, it.resourceFieldRef, it.resourceFieldRef.containerName, this.src.nodeAllocatable());
      files.set(it.path, { content: value, mode: it.mode ?? mode });
    }
  }

  private async tokenFor(pod: KObject, audience: string | undefined, expirationSeconds: number, p: string): Promise<string> {
    const key = `${pod.metadata.uid}/${audience ?? ''}/${p}`;
    const have = this.tokens.get(key);
    const now = Date.now();
    // rotate at 80% of the lifetime, as the kubelet's token manager does
    if (have && now < have.issuedAt + (have.expiresAt - have.issuedAt) * 0.8) return have.token;
    const t = await this.tokenSource.token(pod, audience, expirationSeconds);
    this.tokens.set(key, { ...t, issuedAt: now });
    return t.token;
  }
}

/** secret and projected volumes sit on a tmpfs (drwxrwxrwt upstream), configMap and downwardAPI on the node's disk */
function volumeRootMode(type: string): number {
  return type === 'secret' || type === 'projected' ? 0o1777 : 0o777;
}

function fingerprint(files: Map<string, ProjectedFile>): string {
  return [...files]
    .map(([k, f]) => `${k}\u0000${f.mode}\u0000${Buffer.isBuffer(f.content) ? f.content.toString('base64') : f.content}`)
    .sort()
    .join('\u0001');
}
