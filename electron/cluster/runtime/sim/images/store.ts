import { createHash } from 'node:crypto';
import { ImagePullError, type ImageInfo } from '../../interface';
import { CATALOGUE, CATALOGUE_NAMES, type CatalogueImage } from './catalogue';
import { parseImageReference } from './reference';

export interface ResolvedImage { info: ImageInfo; image: CatalogueImage }

function digestOf(repository: string, tag: string): string {
  return 'sha256:' + createHash('sha256').update(`kubelab:${repository}:${tag}`).digest('hex');
}

/** Looks a reference up in the catalogue; digests are accepted when they match a catalogue digest. */
export function lookupImage(raw: string): ResolvedImage | undefined {
  const ref = parseImageReference(raw);
  const image = CATALOGUE.find((i) => i.repository === ref.repository);
  if (!image) return undefined;
  let tag = ref.tag;
  if (ref.digest) {
    const byDigest = image.tags.find((t) => digestOf(image.repository, t) === ref.digest);
    if (!byDigest) return undefined;
    tag = tag ?? byDigest;
  }
  if (!tag || !image.tags.includes(tag)) return undefined;
  const digest = digestOf(image.repository, tag);
  return {
    image,
    info: {
      ref: `${image.repository}:${tag}`,
      id: digest,
      digest: `${image.repository}@${digest}`,
      sizeBytes: image.sizeBytes,
      entrypoint: [...image.entrypoint],
      cmd: [...image.cmd],
      env: [...image.env],
      workingDir: image.workingDir,
      user: image.user,
      exposedPorts: [...image.exposedPorts],
    },
  };
}

export function notAvailableMessage(raw: string): string {
  return `Failed to pull image "${raw}": image "${raw}" is not available offline: KubeLab's simulator can run only the images in its catalogue (${CATALOGUE_NAMES.join(', ')}); see "Images you can use" in the course guide`;
}

/** The node's local image store: pulled images by normalized reference. */
export class ImageStore {
  private readonly pulled = new Map<string, ResolvedImage>();
  constructor(private readonly pullDelayMs: () => number) {}

  async pull(raw: string): Promise<ImageInfo> {
    const found = lookupImage(raw);
    if (!found) {
      await delay(this.pullDelayMs());
      throw new ImagePullError(notAvailableMessage(raw), true);
    }
    if (!this.pulled.has(found.info.ref)) {
      await delay(this.pullDelayMs());
      this.pulled.set(found.info.ref, found);
    }
    return found.info;
  }

  get(raw: string): ResolvedImage | undefined {
    const found = lookupImage(raw);
    return found && this.pulled.get(found.info.ref);
  }

  list(): ImageInfo[] { return [...this.pulled.values()].map((r) => r.info); }
  remove(raw: string): void { const f = lookupImage(raw); if (f) this.pulled.delete(f.info.ref); }
}

function delay(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }
