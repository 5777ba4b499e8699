// Where labs come from: the built-in labs/ folder, packs imported into the data dir, KUBELAB_LABS_PATH and --labs-dir.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, normalize, resolve } from 'node:path';
import { findLabDirs, loadLab, readLab } from './loader';
import { readZip } from './zip';
import { lintLabs } from './lint';
import type { Lab } from './types';

/** the repository's (or the packaged app's) labs folder: the nearest ancestor holding labs/README.md */
export function builtinLabsDir(from = __dirname): string | undefined {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'labs', 'README.md'))) return join(d, 'labs');
    if (dirname(d) === d) return undefined;
  }
}

export function labRoots(dataDir: string | undefined, extra: string[] = []): string[] {
  const roots: string[] = [];
  const builtin = builtinLabsDir();
  if (builtin) roots.push(builtin);
  if (dataDir) roots.push(join(dataDir, 'labs', 'packs'));
  for (const p of (process.env.KUBELAB_LABS_PATH ?? '').split(delimiter)) if (p) roots.push(resolve(p));
  for (const p of extra) roots.push(resolve(p));
  return roots;
}

/** every lab dir in the roots */
export function labDirs(roots: string[]): string[] {
  return roots.flatMap((r) => findLabDirs(r));
}

export function loadCatalog(roots: string[], seed?: string): { labs: Lab[]; problems: string[] } {
  const byId = new Map<string, Lab>();
  const problems: string[] = [];
  for (const d of labDirs(roots)) {
    const r = readLab(d, seed);
    if (r.lab) byId.set(r.lab.id, r.lab);
    else problems.push(...r.problems);
  }
  return { labs: [...byId.values()].sort((a, b) => a.chapter - b.chapter || a.id.localeCompare(b.id)), problems };
}

export function findLab(labs: Lab[], idOrChapter: string): Lab {
  const hit =
    labs.find((l) => l.id === idOrChapter) ?? labs.find((l) => l.id.startsWith(`${idOrChapter}-`) || String(l.chapter) === idOrChapter.replace(/^0+/, ''));
  if (!hit) throw new Error(`no lab "${idOrChapter}" (see kubelab lab list)`);
  return hit;
}

/** copies a lab pack (a folder or a .zip with one or more labs) into <dataDir>/labs/packs/<name>, after linting it */
export function importPack(src: string, dataDir: string): { name: string; dir: string; labs: string[] } {
  let from = resolve(src);
  let tmp: string | undefined;
  if (statSync(from).isFile()) {
    tmp = mkdtempSync(join(tmpdir(), 'kubelab-pack-'));
    for (const e of readZip(readFileSync(from))) {
      const target = normalize(join(tmp, e.name));
      if (!target.startsWith(tmp)) throw new Error(`${e.name}: refusing a path outside the pack`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, e.data);
    }
    from = tmp;
  }
  try {
    const lint = lintLabs(from);
    // the grading rules are the author's to weigh (kubelab lab lint / lab test); a pack is refused only when unusable
    if (lint.structural.length) throw new Error(`the pack has problems:\n${lint.structural.join('\n')}`);
    const name = basename(resolve(src)).replace(/\.zip$/i, '');
    const dir = join(dataDir, 'labs', 'packs', name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(from, dir, { recursive: true });
    const labs = labDirs([dir]).map((d) => loadLab(d).id);
    return { name, dir, labs };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
