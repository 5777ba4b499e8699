// Reads a Killercoda scenario folder (index.json with details.intro/steps/finish, Markdown texts, verify, background and
// foreground scripts, backend.imageid) and checks it: every problem names the file and line, every path stays inside
// the folder, and no file is too big to be a scenario's.
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Problems, YNodeReader } from '../yaml-reader';
import { findJsonError } from './json-error';

/** a scenario's text or script is small; anything bigger is refused rather than read */
export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_STEPS = 100;

export interface KcFile {
  /** as written in index.json, relative to the scenario folder */
  rel: string;
  /** absolute path */
  path: string;
  content: string;
}
export interface KcPart {
  title: string;
  text?: KcFile;
  verify?: KcFile;
  background?: KcFile;
  foreground?: KcFile;
  /** index.json's line for this part, for messages */
  where: string;
}
export interface KcScenario {
  dir: string;
  index: string;
  title: string;
  description: string;
  intro: KcPart;
  steps: KcPart[];
  finish?: KcPart;
  imageid?: string;
  imageWhere: string;
  /** index.json fields KubeLab reads but does not carry out (reported by lint) */
  ignored: { where: string; what: string }[];
}

/** Kubernetes environments of Killercoda that KubeLab can stand in for, with their nodes' names */
export const IMAGES: Record<string, { name: string; role: 'control-plane' | 'worker' }[]> = {
  'kubernetes-kubeadm-1node': [{ name: 'controlplane', role: 'control-plane' }],
  'kubernetes-kubeadm-2nodes': [
    { name: 'controlplane', role: 'control-plane' },
    { name: 'node01', role: 'worker' },
  ],
};
export const DEFAULT_IMAGE = 'kubernetes-kubeadm-2nodes';

const PART_FILES = ['text', 'verify', 'background', 'foreground'] as const;

/** is DIR a scenario (it holds index.json)? */
export function isScenario(dir: string): boolean {
  return existsSync(join(dir, 'index.json')) && !existsSync(join(dir, 'lab.yaml'));
}

/** the scenarios at DIR: DIR itself, or its subfolders (one level, a repository of scenarios) */
export function findScenarios(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  if (isScenario(dir)) return [dir];
  return readdirSync(dir)
    .sort()
    .map((n) => join(dir, n))
    .filter((d) => !lstatSync(d).isSymbolicLink() && statSync(d).isDirectory() && isScenario(d));
}

/** reads a text file of the scenario; undefined (and a problem) when it is missing, outside, special or too big */
export function readScenarioFile(dir: string, rel: unknown, node: YNodeReader, p: Problems): KcFile | undefined {
  if (typeof rel !== 'string' || !rel.trim()) {
    node.fail('must be the path of a file in the scenario folder (a string)');
    return undefined;
  }
  const path = resolve(dir, rel);
  const inside = (root: string, f: string) => {
    const r = relative(root, f);
    return r !== '' && !r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r);
  };
  if (isAbsolute(rel) || rel.includes('\0') || !inside(resolve(dir), path)) {
    node.fail(`"${rel}" is outside the scenario folder: refused (paths must stay inside ${dir})`);
    return undefined;
  }
  if (!existsSync(path)) {
    node.fail(`"${rel}" not found in ${dir}`);
    return undefined;
  }
  // a symbolic link may point anywhere: what it points at must be inside the folder too
  if (!inside(realpathSync(dir), realpathSync(path))) {
    node.fail(`"${rel}" links outside the scenario folder: refused`);
    return undefined;
  }
  const st = statSync(path);
  if (!st.isFile()) {
    node.fail(`"${rel}" is not a regular file`);
    return undefined;
  }
  if (st.size > MAX_FILE_BYTES) {
    node.fail(`"${rel}" is ${st.size} bytes; a scenario file may have at most ${MAX_FILE_BYTES}`);
    return undefined;
  }
  const buf = readFileSync(path);
  if (buf.includes(0)) {
    p.add(`${path}:1`, 'a binary file (it holds NUL bytes), not text');
    return undefined;
  }
  return { rel, path, content: buf.toString('utf8') };
}

export function readScenario(dir: string): { scenario?: KcScenario; problems: string[] } {
  const p = new Problems();
  const root = resolve(dir);
  const index = join(root, 'index.json');
  if (!existsSync(index)) return { problems: [`${index}: missing (a Killercoda scenario folder needs index.json)`] };
  const st = statSync(index);
  if (!st.isFile()) return { problems: [`${index}:1: not a regular file`] };
  if (st.size > MAX_FILE_BYTES) return { problems: [`${index}:1: ${st.size} bytes; index.json may have at most ${MAX_FILE_BYTES}`] };
  const buf = readFileSync(index);
  if (buf.includes(0)) return { problems: [`${index}:1: a binary file (it holds NUL bytes), not JSON`] };
  const raw = buf.toString('utf8').replace(/^\uFEFF/, '');
  const syntax = findJsonError(raw);
  if (syntax) return { problems: [`${index}:${syntax.line}: invalid JSON (column ${syntax.column}): ${syntax.message}`] };
  // the same text through the YAML reader (JSON is YAML) gives every field its line for messages
  const doc = YNodeReader.parse(index, raw, p);
  if (!doc.isMap()) {
    doc.fail('index.json must be a JSON object with title, details and backend');
    return { problems: p.list };
  }
  const ignored: KcScenario['ignored'] = [];
  const known = ['title', 'description', 'details', 'backend', 'interface', 'difficulty', 'time'];
  for (const k of doc.keys()) if (!known.includes(k)) ignored.push({ where: doc.get(k).where, what: `field "${k}" is not used by KubeLab` });
  if (doc.get('interface').present)
    ignored.push({ where: doc.get('interface').where, what: 'interface is not used: KubeLab has its own layout (text beside the terminal)' });

  const title = doc.str('title') ?? basename(root);
  const description = doc.str('description', false) ?? '';
  const details = doc.get('details');
  if (!details.present) doc.fail('"details" is required (with intro, steps and finish)');
  else if (!details.isMap()) details.fail('"details" must be an object');
  for (const k of details.keys())
    if (!['intro', 'steps', 'finish', 'assets'].includes(k)) ignored.push({ where: details.get(k).where, what: `details.${k} is not used by KubeLab` });
  if (details.get('assets').present)
    ignored.push({
      where: details.get('assets').where,
      what: 'details.assets (files copied onto the hosts) are not copied by KubeLab: a setup script has to create what the scenario needs',
    });

  const part = (n: YNodeReader, what: string, defaultTitle: string): KcPart | undefined => {
    if (!n.present) return undefined;
    if (!n.isMap()) {
      n.fail(`${what} must be an object ({"text": "…md", "verify": "…sh", …})`);
      return undefined;
    }
    for (const k of n.keys())
      if (![...PART_FILES, 'title', 'code'].includes(k)) ignored.push({ where: n.get(k).where, what: `${what}.${k} is not used by KubeLab` });
      else if (k === 'code') ignored.push({ where: n.get(k).where, what: `${what}.code (an editor's starting file) is not used by KubeLab` });
    const t = n.get('title');
    if (t.present && typeof t.js() !== 'string') t.fail(`${what}.title must be a string`);
    const out: KcPart = { title: typeof t.js() === 'string' && t.js().trim() ? t.js() : defaultTitle, where: n.where };
    for (const f of PART_FILES) {
      const c = n.get(f);
      if (c.present) out[f] = readScenarioFile(root, c.js(), c, p);
    }
    return out;
  };

  const intro = part(details.get('intro'), 'details.intro', title) ?? { title, where: details.where };
  const stepNodes = details.seq('steps', details.isMap());
  if (details.isMap() && details.get('steps').isSeq() && !stepNodes.length) details.get('steps').fail('a scenario needs at least one step');
  if (stepNodes.length > MAX_STEPS) details.get('steps').fail(`${stepNodes.length} steps; a scenario may have at most ${MAX_STEPS}`);
  const steps: KcPart[] = [];
  stepNodes.slice(0, MAX_STEPS).forEach((s, i) => {
    const st = part(s, `details.steps[${i}]`, `Step ${i + 1}`);
    if (!st) return;
    if (!s.get('text').present) s.fail(`details.steps[${i}] needs "text" (the step's Markdown file)`);
    steps.push(st);
  });
  const finish = part(details.get('finish'), 'details.finish', 'Finish');

  const backend = doc.get('backend');
  let imageid: string | undefined;
  if (backend.present && !backend.isMap()) backend.fail('"backend" must be an object with "imageid"');
  else if (backend.present) {
    imageid = backend.str('imageid', false);
    for (const k of backend.keys()) if (k !== 'imageid') ignored.push({ where: backend.get(k).where, what: `backend.${k} is not used by KubeLab` });
  }
  const scenario: KcScenario = {
    dir: root,
    index,
    title,
    description,
    intro,
    steps,
    finish,
    imageid,
    imageWhere: backend.get('imageid').present ? backend.get('imageid').where : backend.present ? backend.where : `${index}:1`,
    ignored,
  };
  return { scenario: p.list.length ? undefined : scenario, problems: p.list };
}
