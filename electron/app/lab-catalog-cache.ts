// The lab catalogue, re-read only when a lab's files change. Parsing and validating every lab's YAML takes
// 100–300 ms, and the home page waited for that on every visit (`labs.list`); a stat walk of the lab folders
// costs about a millisecond and still notices an imported pack or an edited lab.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../lab-engine/catalog';
import type { Lab } from '../lab-engine/types';

/** a signature of every file and folder under the lab roots (labs sit at most two levels down, their files
 * a few more): path, size and modification time */
export function labFilesSignature(roots: string[]): string {
  const parts: string[] = [];
  const walk = (p: string, depth: number): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      parts.push(`${p}:gone`);
      return;
    }
    parts.push(`${p}:${st.size}:${st.mtimeMs}`);
    if (!st.isDirectory() || depth === 0) return;
    for (const n of readdirSync(p).sort()) walk(join(p, n), depth - 1);
  };
  for (const r of roots) walk(r, 6);
  return parts.join('\n');
}

/** `seed` draws the labs' parameters (the learner's own values); a new seed re-reads the catalogue too */
export function cachedCatalog(roots: () => string[], seed?: () => string): () => Lab[] {
  let cache: { key: string; labs: Lab[] } | undefined;
  return () => {
    const r = roots();
    const s = seed?.();
    const key = `${s ?? ''}\n${labFilesSignature(r)}`;
    if (cache?.key !== key) cache = { key, labs: loadCatalog(r, s).labs };
    return cache.labs;
  };
}
