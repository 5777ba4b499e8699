// The `kubelab` command: runs the cluster headless and exposes the lab engine and store inspection.
import { runStart } from './start';
import { runStore } from './store';

const USAGE = `Usage: kubelab <command> [options]

Commands:
  start [--data-dir DIR] [--port N] [--nodes N] [--runtime sim|docker] [--config FILE]
                         run a cluster in the foreground until Ctrl-C
  store get|list|watch <key-prefix> [--data-dir DIR] [--values]
                         show the API server's keys as etcd stores them (revisions and versions)

Run 'kubelab <command> --help' for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'start': return runStart(rest);
    case 'store': return runStore(rest);
    case undefined: case '-h': case '--help': case 'help':
      process.stdout.write(USAGE);
      return cmd === undefined ? 1 : 0;
    default:
      process.stderr.write(`kubelab: unknown command "${cmd}"\n\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then((code) => { if (code !== undefined && code !== -1) process.exitCode = code; }, (err) => {
  process.stderr.write(`kubelab: ${(err as Error)?.message ?? err}\n`);
  process.exitCode = 1;
});
