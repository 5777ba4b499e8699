// Finds the kubectl (and helm) the terminal puts first on PATH: the one bundled in resources/bin (packaged app, or
// the dev copy extracted by scripts/extract-tools.mjs), else whatever the system has.
import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ToolLocation {
  path: string | null;
  source: 'bundled' | 'system' | null;
  /** folder to prepend to PATH (only for a bundled tool) */
  binDir: string | null;
}
export type KubectlLocation = ToolLocation;

function isExecutable(p: string): boolean {
  try {
    const s = statSync(p);
    return s.isFile() && (process.platform === 'win32' || (s.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/** a command-line tool (kubectl, helm): the bundled copy first, else the first one on PATH */
export function locateTool(name: string, bundledDirs: string[], envPath = process.env.PATH ?? ''): ToolLocation {
  const exe = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of bundledDirs) {
    const p = join(dir, exe);
    if (isExecutable(p)) return { path: p, source: 'bundled', binDir: dir };
  }
  for (const dir of envPath.split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    const p = join(dir, exe);
    if (isExecutable(p)) return { path: p, source: 'system', binDir: null };
  }
  return { path: null, source: null, binDir: null };
}

export function locateKubectl(bundledDirs: string[], envPath = process.env.PATH ?? ''): KubectlLocation {
  return locateTool('kubectl', bundledDirs, envPath);
}

export const NO_KUBECTL_MESSAGE =
  '\r\n\x1b[33mkubectl was not found.\x1b[0m KubeLab looks for a bundled copy in resources/bin and then on your PATH.\r\n' +
  'Install kubectl (https://kubernetes.io/docs/tasks/tools/) and open a new terminal tab; KUBECONFIG is already set for you.\r\n\r\n';
