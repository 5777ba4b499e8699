// The catalogue cache must hand back the parsed labs without re-reading them, yet notice a new or edited lab.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cachedCatalog } from './lab-catalog-cache';

const labs = resolve(__dirname, '../../labs');
const have = ['01-cluster-tour', '02-containers'].every((d) => existsSync(join(labs, d, 'lab.yaml')));
const root = mkdtempSync(join(tmpdir(), 'kubelab-catalog-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!have)('cachedCatalog', () => {
  it('re-reads the labs only when their files change', () => {
    cpSync(join(labs, '01-cluster-tour'), join(root, '01-cluster-tour'), { recursive: true });
    const catalog = cachedCatalog(() => [root]);
    const first = catalog();
    expect(first.map((l) => l.id)).toEqual(['01-cluster-tour']);
    expect(catalog()).toBe(first); // unchanged files: the same parsed list

    cpSync(join(labs, '02-containers'), join(root, '02-containers'), { recursive: true });
    expect(catalog().map((l) => l.id)).toEqual(['01-cluster-tour', '02-containers']);

    const file = join(root, '01-cluster-tour', 'lab.yaml');
    const before = catalog();
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^chapter: *\d+/m, 'chapter: 9'));
    utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a distinct mtime even on coarse clocks
    const after = catalog();
    expect(after).not.toBe(before);
    expect(after.find((l) => l.id === '01-cluster-tour')?.chapter).toBe(9);
  });
});
