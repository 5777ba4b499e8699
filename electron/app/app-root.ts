// Where the app's files are: the repository in development, process.resourcesPath when packaged by electron-builder.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface AppFolders {
  root: string;
  rendererDist: string;
  labs: string;
  resources: string;
  bundledBin: string[];
}

function findRepoRoot(start: string): string | undefined {
  let d = start;
  for (;;) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'kubelab') return d;
      } catch {
        /* keep walking */
      }
    }
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

export function appFolders(): AppFolders {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  const fromEnv = process.env.KUBELAB_APP_ROOT;
  const root = fromEnv ?? findRepoRoot(__dirname) ?? findRepoRoot(process.cwd()) ?? process.cwd();
  // packaged: labs/ and resources/ are extraResources next to app.asar; renderer/dist is inside the asar
  if (packaged && !fromEnv && existsSync(join(packaged, 'labs'))) {
    return {
      root,
      rendererDist: join(root, 'renderer', 'dist'),
      labs: join(packaged, 'labs'),
      resources: join(packaged, 'resources'),
      bundledBin: [join(packaged, 'resources', 'bin')],
    };
  }
  return {
    root,
    rendererDist: join(root, 'renderer', 'dist'),
    labs: join(root, 'labs'),
    resources: join(root, 'resources'),
    // the dev copy that scripts/extract-tools.mjs unpacks counts as "bundled": it is the version the labs target
    bundledBin: [join(root, 'resources', 'bin'), join(root, 'node_modules', '.cache', 'kubelab-tools')],
  };
}

export function appVersion(root: string): string {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
