// Cluster profiles: separate clusters kept in one data dir, one per topology a lab needs (zones, GPUs, runtime
// handlers). "default" is the data dir itself (what `kubelab start` uses); a profile NAME lives in
// <data-dir>/profiles/NAME with its own store, PKI, kubeconfig and cluster.json. A lab with its own topology uses the
// profile named after it. The app remembers the profile it runs in <data-dir>/profiles/current.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_PROFILE = 'default';
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface ClusterProfile {
  name: string;
  dir: string;
  /** a cluster has run there (it has a kubeconfig) */ created: boolean;
  nodes?: number;
}

export function checkProfileName(name: string): string {
  if (!NAME.test(name)) throw new Error(`a cluster profile name uses lowercase letters, digits and dashes, not "${name}"`);
  return name;
}

export function profileDir(dataDir: string, name: string): string {
  return name === DEFAULT_PROFILE ? dataDir : join(dataDir, 'profiles', checkProfileName(name));
}

function describe(dataDir: string, name: string): ClusterProfile {
  const dir = profileDir(dataDir, name);
  let nodes: number | undefined;
  try {
    nodes = (JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')).nodes ?? []).length || undefined;
  } catch {
    /* never started */
  }
  return { name, dir, created: existsSync(join(dir, 'kubeconfig')), nodes };
}

export function listProfiles(dataDir: string): ClusterProfile[] {
  const root = join(dataDir, 'profiles');
  const names = existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && NAME.test(d.name))
        .map((d) => d.name)
        .sort()
    : [];
  return [DEFAULT_PROFILE, ...names.filter((n) => n !== DEFAULT_PROFILE)].map((n) => describe(dataDir, n));
}

export function currentProfile(dataDir: string): string {
  try {
    const name = readFileSync(join(dataDir, 'profiles', 'current'), 'utf8').trim();
    return name && NAME.test(name) ? name : DEFAULT_PROFILE;
  } catch {
    return DEFAULT_PROFILE;
  }
}

export function rememberProfile(dataDir: string, name: string): void {
  mkdirSync(join(dataDir, 'profiles'), { recursive: true });
  writeFileSync(join(dataDir, 'profiles', 'current'), `${checkProfileName(name)}\n`);
}

/** the profile a lab runs on: its own when it brings a topology, else the default cluster */
export function labProfileName(lab: { id: string; cluster: { configFile?: string } }): string {
  return lab.cluster.configFile ? lab.id : DEFAULT_PROFILE;
}
