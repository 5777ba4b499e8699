// `ssh NODE` in the lab terminal and lab scripts: a node of the cluster goes to `kubelab node shell`, with the
// remote command's words joined as ssh joins them; anything else goes to the real ssh, with every argument.
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSshShim } from './ssh-shim';

const work = mkdtempSync(join(tmpdir(), 'kubelab-ssh-shim-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fakeBin(dir: string, name: string, script: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/usr/bin/env bash\n${script}\n`);
  chmodSync(join(dir, name), 0o755);
}

// a kubectl that knows the nodes controlplane and node01, a real ssh that says it was called, and a kubelab CLI
// that prints its arguments
const tools = join(work, 'tools');
// with API_DOWN set it answers as the API server does while etcd is down: 503 for the API, the node shell endpoint still there
fakeBin(
  tools,
  'kubectl',
  [
    'case "$1 $2 $3" in',
    '  "get node controlplane"|"get node node01") [ -z "$API_DOWN" ] && exit 0; exit 1;;',
    '  "create --raw /kubelab/nodes/controlplane/shell"|"create --raw /kubelab/nodes/node01/shell") cat; echo; exit 0;;',
    'esac',
    'exit 1',
  ].join('\n'),
);
fakeBin(tools, 'ssh', 'echo "real ssh: $*"');
const cli = join(work, 'kubelab.js');
writeFileSync(cli, 'console.log(JSON.stringify(process.argv.slice(2)))');
const shim = writeSshShim(join(work, 'shim'), { node: process.execPath, cli });

function ssh(...args: string[]): string {
  return sshWith({}, ...args);
}
function sshWith(env: Record<string, string>, ...args: string[]): string {
  return execFileSync(join(shim, 'ssh'), args, {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${shim}:${tools}:/usr/bin:/bin`, KUBECONFIG: '/lab/kubeconfig:/other', ...env },
  });
}

describe('the ssh shim', () => {
  it("opens a node's shell, with a command as one line for bash", () => {
    expect(JSON.parse(ssh('node01'))).toEqual(['node', 'shell', '--kubeconfig', '/lab/kubeconfig', 'node01']);
    expect(JSON.parse(ssh('-o', 'StrictHostKeyChecking=no', 'root@node01', 'crictl', 'ps', '|', 'grep web'))).toEqual([
      'node',
      'shell',
      '--kubeconfig',
      '/lab/kubeconfig',
      'node01',
      '--',
      'bash',
      '-c',
      'crictl ps | grep web',
    ]);
  });

  it('still reaches the node while the API is down (etcd being restored), through the node shell endpoint', () => {
    expect(JSON.parse(sshWith({ API_DOWN: '1' }, 'controlplane'))).toEqual(['node', 'shell', '--kubeconfig', '/lab/kubeconfig', 'controlplane']);
    expect(sshWith({ API_DOWN: '1' }, 'example.org')).toBe('real ssh: example.org\n');
  });

  it('leaves other hosts to the real ssh, with all their arguments', () => {
    expect(ssh('-p', '2222', 'git@example.com', 'ls')).toBe('real ssh: -p 2222 git@example.com ls\n');
  });

  it('without the kubelab command (the desktop app), sends each command line to the node shell endpoint through kubectl', () => {
    const bare = writeSshShim(join(work, 'bare'), null);
    const run = (args: string[], input = '') =>
      execFileSync(join(bare, 'ssh'), args, {
        encoding: 'utf8',
        input,
        stdio: 'pipe',
        env: { ...process.env, PATH: `${bare}:${tools}:/usr/bin:/bin`, API_DOWN: '1' },
      });
    const bodies = (out: string) =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { command: string; output: string });
    const one = bodies(run(['node01', 'echo', '"a\\b"', "'\tc'"]));
    expect(one).toMatchObject([{ command: 'echo "a\\b" \'\tc\'', output: 'text' }]);
    // interactive: one request per line until exit
    const lines = bodies(run(['node01'], 'crictl ps\n\nls /etc/kubernetes/manifests\nexit\nnot sent\n'));
    expect(lines.map((b) => b.command)).toEqual(['crictl ps', 'ls /etc/kubernetes/manifests']);
  });
});
