// `npm run web -- --port N [--data-dir DIR]`: the app's services and UI in a browser, on 127.0.0.1 only.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultDataDir } from '../app/paths';
import { appFolders } from '../app/app-root';
import { createAppServices } from '../app/services';
import { startWebServer } from './web-server';
import { bestEffort } from '../cluster';

const HELP = `Usage: npm run web -- [--port N] [--data-dir DIR] [--cluster-port N]

Serves the KubeLab UI on http://127.0.0.1:N and prints its URL with a per-run access token.
  --port N           UI port (default 0: a free port)
  --data-dir DIR     cluster and progress folder (default: ${defaultDataDir()}, the same as \`kubelab start\`)
  --cluster-port N   API server port (default 6443, or a free port if busy)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'cluster-port': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const folders = appFolders();
  const services = createAppServices({
    dataDir,
    mode: 'web',
    folders,
    cluster: values['cluster-port'] !== undefined ? { port: Number(values['cluster-port']) } : undefined,
  });
  services.host.onStatus((s) => process.stderr.write(`kubelab: ${s.log[s.log.length - 1] ?? s.message}\n`));
  const web = await startWebServer({ services, staticDir: folders.rendererDist, port: values.port !== undefined ? Number(values.port) : 0 });
  process.stdout.write(`kubelab web: open ${web.url}\n`);
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`kubelab: ${sig} received, stopping\n`);
    const log = (l: string) => {
      process.stderr.write(`kubelab: ${l}\n`);
    };
    await bestEffort(web.close(), 'closing the web server', log);
    await bestEffort(services.stop(), 'stopping the cluster', log);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await services.start().catch((e: Error) => process.stderr.write(`kubelab: ${e.message}\n`));
}

main().catch((e: Error) => {
  process.stderr.write(`kubelab web: ${e.message}\n`);
  process.exit(1);
});
