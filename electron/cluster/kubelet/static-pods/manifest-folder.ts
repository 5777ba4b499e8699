// The kubelet's file source (staticPodPath, /etc/kubernetes/manifests in the node's root folder): every manifest
// there is a static pod. The folder is read again every second, as quickly as the kubelet's inotify watch notices a
// change; a file written, edited or removed adds, replaces or removes its pod. Hidden files are skipped, as upstream.
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { KObject } from '../../api/types';

export const MANIFEST_POLL_MS = 1_000;

/** the pod a manifest file holds, or why the kubelet refuses it */
export function readManifest(file: string, text: string): KObject | string {
  let obj: unknown;
  try {
    obj = YAML.parse(text);
  } catch (err) {
    return `could not decode ${file}: ${(err as Error).message}`;
  }
  const pod = obj as KObject | null;
  if (!pod || typeof pod !== 'object') return `${file}: empty manifest`;
  if (pod.kind !== 'Pod' || pod.apiVersion !== 'v1') return `${file}: expected a v1 Pod, found ${pod.apiVersion ?? '<none>'} ${pod.kind ?? '<none>'}`;
  if (!pod.metadata?.name) return `${file}: metadata.name: Required value`;
  if (!Array.isArray(pod.spec?.containers) || !pod.spec.containers.length) return `${file}: spec.containers: Required value`;
  return pod;
}

export class ManifestFolder {
  private timer?: NodeJS.Timeout;
  /** the last text seen of each file, so a refused manifest is reported once, not every second */
  private seen = new Map<string, string>();

  constructor(
    readonly dir: string,
    private readonly onChange: (manifests: KObject[]) => void,
    private readonly log: (msg: string) => void,
  ) {}

  /** reads the folder now; reports the manifests when anything changed (and always on the first read) */
  read(first = false): void {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.dir).filter((n) => !n.startsWith('.'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`reading static pod folder ${this.dir}: ${(err as Error).message}`);
    }
    const texts = new Map<string, string>();
    for (const n of names.sort()) {
      const file = path.join(this.dir, n);
      try {
        if (fs.statSync(file).isFile()) texts.set(n, fs.readFileSync(file, 'utf8'));
      } catch (err) {
        this.log(`reading static pod manifest ${file}: ${(err as Error).message}`);
      }
    }
    const changed = texts.size !== this.seen.size || [...texts].some(([n, t]) => this.seen.get(n) !== t);
    if (!changed && !first) return;
    const manifests: KObject[] = [];
    for (const [n, t] of texts) {
      const pod = readManifest(path.join('/etc/kubernetes/manifests', n), t);
      if (typeof pod !== 'string') manifests.push(pod);
      else if (this.seen.get(n) !== t) this.log(`Could not process manifest file: ${pod}`);
    }
    this.seen = texts;
    this.onChange(manifests);
  }

  start(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.read(true);
    this.timer = setInterval(() => this.read(), MANIFEST_POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
