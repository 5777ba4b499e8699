// Where KubeLab keeps its data: the same per-user folder Electron's app.getPath('userData') gives for "KubeLab",
// so the CLI and the desktop app share one cluster.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  if (process.env.KUBELAB_DATA_DIR) return process.env.KUBELAB_DATA_DIR;
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'KubeLab');
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'KubeLab');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'KubeLab');
  }
}
