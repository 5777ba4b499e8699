import type { CatalogueImage, ImageVariant } from './catalogue';

/**
 * Tag grammar of the official images: `<version>[-<variant>]`, a bare `<variant>`, or an alias (`latest`,
 * `stable`, `lts`, `bookworm`…), where `<version>` is any component prefix of a real release (`1`, `1.19`,
 * `1.19.8`) and names the newest release it prefixes — as `nginx:1.19` is the last 1.19.x on Docker Hub.
 */
/** canonical: the tag its digest is computed from (`<release>[-<variant>]`, or a literal tag as written) */
export interface ResolvedTag {
  version: string;
  variant: string;
  canonical: string;
}

/** "1.19.0-10" → 1.19.0 … 1.19.10; "24.04" stays as it is */
export function expandReleases(specs: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of specs) {
    const m = /^(.*\.)(\d+)-(\d+)$/.exec(s);
    if (!m) {
      out.push(s);
      continue;
    }
    for (let i = Number(m[2]); i <= Number(m[3]); i++) out.push(m[1] + i);
  }
  return out;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

const releaseCache = new WeakMap<CatalogueImage, string[]>();
/** the image's real releases, newest first */
export function releasesOf(image: CatalogueImage): string[] {
  let r = releaseCache.get(image);
  if (!r) {
    r = expandReleases(image.releases ?? []).sort((a, b) => compareVersions(b, a));
    releaseCache.set(image, r);
  }
  return r;
}

function variantAllows(v: ImageVariant | undefined, version: string): boolean {
  if (!v) return true;
  if (v.from && compareVersions(version, v.from) < 0) return false;
  if (v.until && compareVersions(version, v.until) > 0) return false;
  return true;
}

/** newest release the prefix names ("1.19" → "1.19.10"), honouring a variant's version range */
function newestFor(image: CatalogueImage, prefix: string, variant: string): string | undefined {
  const v = variant ? image.variants?.[variant] : undefined;
  return releasesOf(image).find((r) => (r === prefix || r.startsWith(prefix + '.')) && variantAllows(v, r));
}

/** a variant key, allowing an alpine variant to carry its Alpine release ("alpine3.20" → "alpine") */
function variantKey(image: CatalogueImage, s: string): string | undefined {
  if (image.variants?.[s]) return s;
  const m = /^(.*alpine)3\.\d+$/.exec(s);
  return m && image.variants?.[m[1]] ? m[1] : undefined;
}

export function resolveTag(image: CatalogueImage, tag: string): ResolvedTag | undefined {
  if (image.tags?.includes(tag))
    return { version: tag === 'latest' ? (releasesOf(image)[0] ?? tag) : tag.replace(/^v(?=\d)/, ''), variant: '', canonical: tag };
  const found = (version: string | undefined, variant: string): ResolvedTag | undefined =>
    version ? { version, variant, canonical: variant ? `${version}-${variant}` : version } : undefined;
  const latest = image.aliases?.latest ?? releasesOf(image)[0];
  const versionOf = (part: string, variant: string): string | undefined => {
    if (part === '' || part === 'latest') return newestFor(image, latest, variant);
    const aliased = image.aliases?.[part];
    if (aliased === undefined && part.split('.').length < (image.minVersionParts ?? 1)) return undefined;
    return newestFor(image, aliased ?? part, variant);
  };
  const whole = variantKey(image, tag);
  if (whole) return found(versionOf('', whole), whole);
  const plain = versionOf(tag, '');
  if (plain && (/^[\d.]+$/.test(tag) || tag === 'latest' || image.aliases?.[tag] !== undefined)) return found(plain, '');
  // split at each dash: the longest known variant suffix wins ("1.19-alpine-perl" → variant "alpine-perl")
  for (let i = tag.indexOf('-'); i > 0; i = tag.indexOf('-', i + 1)) {
    const key = variantKey(image, tag.slice(i + 1));
    if (!key) continue;
    const hit = found(versionOf(tag.slice(0, i), key), key);
    if (hit) return hit;
  }
  return undefined;
}

/** everything the image's tags can name, one entry per digest: each release with and without each variant, and literal tags */
export function canonicalTags(image: CatalogueImage): ResolvedTag[] {
  const out: ResolvedTag[] = [];
  for (const t of image.tags ?? []) out.push(resolveTag(image, t)!);
  for (const r of releasesOf(image)) {
    out.push({ version: r, variant: '', canonical: r });
    for (const [k, v] of Object.entries(image.variants ?? {})) if (variantAllows(v, r)) out.push({ version: r, variant: k, canonical: `${r}-${k}` });
  }
  return out;
}

/** substitutes {version}, {x} (major) and {x.y} (major.minor) in an image's metadata strings */
export function fillVersion(s: string, version: string): string {
  const parts = version.split('.');
  return s.replaceAll('{version}', version).replaceAll('{x.y}', parts.slice(0, 2).join('.')).replaceAll('{x}', parts[0]);
}
