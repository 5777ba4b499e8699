// Writes a volume's projected files (configMap, secret, downwardAPI, projected): only changed files are rewritten,
// each via a temp file + rename so a reader never sees half a file, and keys that disappeared are removed.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ProjectedFile { content: Buffer | string; mode: number }

export function writeProjection(dir: string, files: Map<string, ProjectedFile>): boolean {
  fs.mkdirSync(dir, { recursive: true });
  let changed = false;
  for (const [rel, f] of files) {
    const target = path.join(dir, rel);
    if (!target.startsWith(dir + path.sep)) continue;
    const data = typeof f.content === 'string' ? Buffer.from(f.content) : f.content;
    let same = false;
    try { same = fs.readFileSync(target).equals(data) && (fs.statSync(target).mode & 0o777) === (f.mode & 0o777); } catch { /* new file */ }
    if (same) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `..tmp.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(tmp, data, { mode: f.mode & 0o777 });
    fs.chmodSync(tmp, f.mode & 0o777);
    fs.renameSync(tmp, target);
    changed = true;
  }
  for (const rel of listFiles(dir)) {
    if (files.has(rel)) continue;
    fs.rmSync(path.join(dir, rel), { force: true });
    changed = true;
  }
  removeEmptyDirs(dir, true);
  return changed;
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[] = [];
  try { entries = fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

function removeEmptyDirs(dir: string, keep: boolean): boolean {
  let entries: fs.Dirent[] = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return false; }
  let empty = true;
  for (const e of entries) {
    if (e.isDirectory() && removeEmptyDirs(path.join(dir, e.name), false)) continue;
    empty = false;
  }
  if (empty && !keep) { fs.rmdirSync(dir); return true; }
  return false;
}
