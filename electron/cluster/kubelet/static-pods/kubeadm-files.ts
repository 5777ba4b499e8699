// `kubeadm init`'s control-plane phase: the four static pod manifests written as files to the control-plane node's
// /etc/kubernetes/manifests, where its kubelet's file source picks them up like any other manifest. kubeadm writes
// them once; a file the student edited or removed stays as they left it. What KubeLab wrote last is remembered
// (a hash per file), so an untouched file follows a new API port or version on the next start, as `kubeadm upgrade`
// would rewrite it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { KObject } from '../../api/types';

/** what kubeadm's YAML printer writes for a pod manifest (sigs.k8s.io/yaml over the Go struct) */
export function manifestYaml(pod: KObject): string {
  // the Go struct's zero creationTimestamp and empty status are printed, as in every kubeadm manifest
  const { metadata, ...rest } = pod;
  const doc = { ...rest, metadata: { ...metadata, creationTimestamp: null }, status: {} };
  const sorted = sortKeys(doc);
  return YAML.stringify(sorted, { indentSeq: false, lineWidth: 0 });
}

/** sigs.k8s.io/yaml goes through JSON and a map, so keys come out sorted, except inside lists (order kept) */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * writes the manifests kubeadm would into `dir`; `record` keeps the hash of each file as last written. A file is
 * (re)written when it was never written, or when it still holds exactly what was written last time.
 */
export function writeKubeadmManifests(dir: string, record: string, manifests: KObject[], log: (msg: string) => void): void {
  let written: Record<string, string> = {};
  try {
    written = JSON.parse(fs.readFileSync(record, 'utf8')) as Record<string, string>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`reading ${record}: ${(err as Error).message}; writing kubeadm's manifests again`);
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const pod of manifests) {
    const name = `${pod.metadata.name}.yaml`;
    const file = path.join(dir, name);
    const text = manifestYaml(pod);
    let onDisk: string | undefined;
    try {
      onDisk = fs.readFileSync(file, 'utf8');
    } catch {
      onDisk = undefined;
    }
    const untouched = written[name] === undefined || (onDisk !== undefined && sha(onDisk) === written[name]);
    if (!untouched || onDisk === text) continue;
    fs.writeFileSync(file, text, { mode: 0o600 });
    written[name] = sha(text);
  }
  fs.writeFileSync(record, JSON.stringify(written, null, 2));
}
