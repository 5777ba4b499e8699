import { describe, expect, it } from 'vitest';
import type { CatalogueImage } from './catalogue';
import { canonicalTags, resolveTag } from './tags';

const base = { entrypoint: [], cmd: [], env: [], workingDir: '/', user: '', exposedPorts: [], sizeBytes: 1, base: 'debian' as const };

describe('tag resolution', () => {
  const img: CatalogueImage = {
    ...base,
    repository: 'docker.io/library/x',
    releases: ['1.18.0', '1.19.0-3', '2.0.0'],
    aliases: { stable: '1.19' },
    variants: { alpine: {}, bookworm: { from: '1.19.2' }, 'alpine-perl': {} },
  };
  it('names the newest release a prefix matches, with or without a variant, and refuses what was never published', () => {
    expect(resolveTag(img, '1')).toMatchObject({ version: '1.19.3', variant: '' });
    expect(resolveTag(img, '1.19.1-alpine-perl')).toMatchObject({ version: '1.19.1', variant: 'alpine-perl', canonical: '1.19.1-alpine-perl' });
    expect(resolveTag(img, 'stable-alpine3.20')).toMatchObject({ version: '1.19.3', variant: 'alpine' });
    expect(resolveTag(img, 'latest')).toMatchObject({ version: '2.0.0' });
    expect(resolveTag(img, 'bookworm')).toMatchObject({ version: '2.0.0', variant: 'bookworm' });
    expect(resolveTag(img, '1.19.2-bookworm')).toBeTruthy();
    for (const t of ['1.19.4', '1.18.0-bookworm', '1.19.1-bookworm', '1.1', '1.19-perl', 'nope']) expect(resolveTag(img, t), t).toBeUndefined();
  });
  it('takes literal tags as written and keeps them apart from releases for digests', () => {
    const lit: CatalogueImage = { ...base, repository: 'registry.k8s.io/kube-apiserver', tags: ['v1.33.4', 'v1.32.0'] };
    expect(resolveTag(lit, 'v1.33.4')).toEqual({ version: '1.33.4', variant: '', canonical: 'v1.33.4' });
    expect(resolveTag(lit, 'v1.33')).toBeUndefined();
    expect(canonicalTags(lit).map((t) => t.canonical)).toEqual(['v1.33.4', 'v1.32.0']);
    const ubuntu: CatalogueImage = { ...base, repository: 'u', releases: ['22.04'], minVersionParts: 2 };
    expect(resolveTag(ubuntu, '22')).toBeUndefined();
    expect(resolveTag(ubuntu, '22.04')).toBeTruthy();
  });
});
