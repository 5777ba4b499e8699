import { createHash } from 'node:crypto';
import { ImagePullError, type ImageInfo } from '../../interface';
import { CATALOGUE, CATALOGUE_NAMES, type CatalogueImage } from './catalogue';
import { parseImageReference } from './reference';
import { canonicalTags, fillVersion, resolveTag, type ResolvedTag } from './tags';

export interface ResolvedImage {
  info: ImageInfo;
  image: CatalogueImage;
}

function digestOf(repository: string, canonical: string): string {
  return 'sha256:' + createHash('sha256').update(`kubelab:${repository}:${canonical}`).digest('hex');
}

/** the image config a tag stands for: the release's version strings filled in, the variant's flavour applied */
const derived = new Map<string, CatalogueImage>();
function imageFor(image: CatalogueImage, { version, variant }: ResolvedTag): CatalogueImage {
  const key = `${image.repository}:${version}-${variant}`;
  let d = derived.get(key);
  if (d) return d;
  const v = variant ? image.variants?.[variant] : undefined;
  const name = (kv: string) => kv.slice(0, kv.indexOf('='));
  const env = image.env.filter((kv) => !v?.env?.some((o) => name(o) === name(kv))).concat(v?.env ?? []);
  d = {
    ...image,
    version,
    variant,
    base: v?.base ?? image.base,
    sizeBytes: v?.sizeBytes ?? image.sizeBytes,
    exposedPorts: v?.exposedPorts ?? image.exposedPorts,
    env: env.map((kv) => fillVersion(kv, version)),
  };
  derived.set(key, d);
  return d;
}

const digestIndex = new WeakMap<CatalogueImage, Map<string, ResolvedTag>>();
/** what one of this catalogue's digests names; a digest from a real registry is not among them */
function tagOfDigest(image: CatalogueImage, digest: string): ResolvedTag | undefined {
  let index = digestIndex.get(image);
  if (!index) {
    index = new Map(canonicalTags(image).map((t) => [digestOf(image.repository, t.canonical), t]));
    digestIndex.set(image, index);
  }
  return index.get(digest);
}

/** Looks a reference up in the catalogue; a digest resolves only when it is one this catalogue hands out. */
export function lookupImage(raw: string): ResolvedImage | undefined {
  const ref = parseImageReference(raw);
  const image = CATALOGUE.find((i) => i.repository === ref.repository);
  if (!image) return undefined;
  const byTag = ref.tag !== undefined ? resolveTag(image, ref.tag) : undefined;
  if (ref.tag !== undefined && !byTag) return undefined;
  let resolved = byTag;
  if (ref.digest) {
    // `repo:tag@digest`: the digest decides what runs, as in containerd; a tag naming something else is ignored
    resolved = tagOfDigest(image, ref.digest);
  }
  if (!resolved) return undefined;
  const digest = digestOf(image.repository, resolved.canonical);
  const img = imageFor(image, resolved);
  return {
    image: img,
    info: {
      ref: ref.tag !== undefined ? `${image.repository}:${ref.tag}` : `${image.repository}@${ref.digest}`,
      id: digest,
      digest: `${image.repository}@${digest}`,
      sizeBytes: img.sizeBytes,
      entrypoint: [...img.entrypoint],
      cmd: [...img.cmd],
      env: [...img.env],
      workingDir: img.workingDir,
      user: img.user,
      exposedPorts: [...img.exposedPorts],
    },
  };
}

/**
 * Why a pull fails. A tag the catalogue's repository never published (`nginx:1.91`, the classic broken rollout) is
 * what the registry would answer, containerd's NotFound; anything else is outside the catalogue and said so.
 */
export function notAvailableMessage(raw: string): string {
  const ref = parseImageReference(raw);
  if (ref.tag !== undefined && !ref.digest && CATALOGUE.some((i) => i.repository === ref.repository)) {
    const full = `${ref.repository}:${ref.tag}`;
    return `Failed to pull image "${raw}": rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`;
  }
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

  list(): ImageInfo[] {
    return [...this.pulled.values()].map((r) => r.info);
  }
  remove(raw: string): void {
    const f = lookupImage(raw);
    if (f) this.pulled.delete(f.info.ref);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
