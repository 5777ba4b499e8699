// Writes a volume's projected files (configMap, secret, downwardAPI, projected): only changed files are rewritten,
// each via a temp file + rename so a reader never sees half a file, and keys that disappeared are removed.
// Asynchronous: a rollout mounts hundreds of volumes at once, and the event loop must keep serving the API.
import { promises as fsp, type Dirent } from 'node:fs';
import * as path from 'node:path';

export interface ProjectedFile { content: Buffer | string; mode: number }

export async function writeProjection(dir: string, files: Map<string, ProjectedFile>): Promise<boolean> {
  const fresh = (await fsp.mkdir(dir, { recursive: true })) !== undefined;
  // a folder made just now has no readers and nothing stale: write in place
  if (fresh) return writeFresh(dir, files);
  let changed = false;
  for (const [rel, f] of files) {
    const target = path.join(dir, rel);
    if (!target.startsWith(dir + path.sep)) continue;
    const data = typeof f.content === 'string' ? Buffer.from(f.content) : f.content;
    let same = false;
    try {
      const [cur, st] = await Promise.all([fsp.readFile(target), fsp.stat(target)]);
      same = cur.equals(data) && (st.mode & 0o777) === (f.mode & 0o777);
    } catch { /* new file */ }
    if (same) continue;
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `..tmp.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}`);
    await fsp.writeFile(tmp, data, { mode: f.mode & 0o777 });
    await fsp.chmod(tmp, f.mode & 0o777);
    await fsp.rename(tmp, target);
    changed = true;
  }
  for (const rel of await listFiles(dir)) {
    if (files.has(rel)) continue;
    await fsp.rm(path.join(dir, rel), { force: true });
    changed = true;
  }
  await removeEmptyDirs(dir, true);
  return changed;
}

async function writeFresh(dir: string, files: Map<string, ProjectedFile>): Promise<boolean> {
  const made = new Set<string>([dir]);
  const umask = process.umask();
  await Promise.all([...files].map(async ([rel, f]) => {
    const target = path.join(dir, rel);
    if (!target.startsWith(dir + path.sep)) return;
    const parent = path.dirname(target);
    if (!made.has(parent)) await fsp.mkdir(parent, { recursive: true });
    made.add(parent);
    const mode = f.mode & 0o777;
    await fsp.writeFile(target, f.content, { mode });
    if (mode & umask) await fsp.chmod(target, mode);
  }));
  return files.size > 0;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let entries: Dirent[] = [];
  try { entries = await fsp.readdir(path.join(dir, prefix), { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

async function removeEmptyDirs(dir: string, keep: boolean): Promise<boolean> {
  let entries: Dirent[] = [];
  try { entries = await fsp.readdir(dir, { withFileTypes: true }); } catch { return false; }
  let empty = true;
  for (const e of entries) {
    if (e.isDirectory() && await removeEmptyDirs(path.join(dir, e.name), false)) continue;
    empty = false;
  }
  if (empty && !keep) { await fsp.rmdir(dir); return true; }
  return false;
}
