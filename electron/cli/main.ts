// The `kubelab` command: runs the cluster headless and exposes the lab engine and store inspection.
import { runStart } from './start';
import { runStore } from './store';
import { runLab, runReport } from './lab';
import { runNode } from './node';
import { runNetpol } from './netpol';
import { appFolders, appVersion } from '../app/app-root';
import { KUBE_VERSION, KUBELET_VERSION } from '../cluster';

const USAGE = `Usage: kubelab <command> [options]

Commands:
  start [--data-dir DIR] [--port N] [--nodes N] [--runtime sim] [--config FILE]
                         run a cluster in the foreground until Ctrl-C
  store get|list|watch <key-prefix> [--data-dir DIR] [--values]
                         show the API server's keys as etcd stores them (revisions and versions)
  lab list|show|start|check|hint|solve|reset|lint|import|exam ...
                         guided labs graded against the cluster (--kubeconfig FILE or --data-dir DIR)
  report [--out FILE] [--html FILE] | report verify FILE | report keygen --out DIR
                         progress reports, signed with an instructor key when one is configured
  node list|stop|start|shell [NAME] [--data-dir DIR | --kubeconfig FILE]
                         power a simulated node off and on (its kubelet stops heartbeating), or open a shell on it
  netpol probe [-n NS]... [--port N] [--data-dir DIR | --kubeconfig FILE]
                         connect every pod to every pod and print the reachability matrix (NetworkPolicy)

Options:
  -v, --version          print the KubeLab version and the Kubernetes version its cluster serves

Run 'kubelab <command> --help' for a command's options.
`;

function versionText(): string {
  return (
    `kubelab ${appVersion(appFolders().root)}\n` + `Kubernetes ${KUBELET_VERSION} (kube-apiserver ${KUBE_VERSION.gitVersion}, kubelet ${KUBELET_VERSION})\n`
  );
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'start':
      return runStart(rest);
    case 'store':
      return runStore(rest);
    case 'lab':
      return runLab(rest);
    case 'report':
      return runReport(rest);
    case 'node':
      return runNode(rest);
    case 'netpol':
      return runNetpol(rest);
    case '-v':
    case '--version':
    case 'version':
      process.stdout.write(versionText());
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return cmd === undefined ? 1 : 0;
    default:
      process.stderr.write(`kubelab: unknown command "${cmd}"\n\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code !== -1) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`kubelab: ${(err as Error)?.message ?? err}\n`);
    process.exitCode = 1;
  },
);
