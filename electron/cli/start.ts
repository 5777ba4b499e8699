// `kubelab start`: the cluster in the foreground, printing a ready line with the kubeconfig path; SIGINT/SIGTERM stop it cleanly.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startCluster } from '../cluster';
import { defaultDataDir } from '../app/paths';
import { appFolders } from '../app/app-root';
import { locateKubectl } from '../terminal/kubectl-locate';
import { profileDir, DEFAULT_PROFILE } from '../app/cluster-profiles';
import { findLab, labRoots, loadCatalog } from '../lab-engine/catalog';

const HELP = `Usage: kubelab start [options]

Runs a KubeLab cluster in the foreground until interrupted.

Options:
  --data-dir DIR        where the cluster keeps its state (default: ${defaultDataDir()})
  --port N              API server port on 127.0.0.1 (default 6443, or a free port if busy)
  --nodes N             number of nodes: 1 control plane + N-1 workers (default 3, or what the data dir remembers)
  --runtime sim|docker  container runtime (default sim: everything simulated in-process; docker: real containers
                        through the Docker daemon at DOCKER_HOST or the default socket, else the simulator;
                        KUBELAB_RUNTIME sets it too)
  --config FILE         a kind-like cluster config (nodes with roles, labels, taints, capacity, runtime handlers)
  --profile NAME        run the cluster profile NAME, kept in <data-dir>/profiles/NAME (the app switches between
                        them in its header); a lab id names that lab's own cluster, created from its topology
`;

export async function runStart(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      nodes: { type: 'string' },
      runtime: { type: 'string' },
      config: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const root = resolve(values['data-dir'] ?? defaultDataDir());
  const profile = values.profile ?? DEFAULT_PROFILE;
  const dataDir = profileDir(root, profile);
  // a lab's profile starts from the lab's topology unless --config says otherwise
  const labConfig = profile !== DEFAULT_PROFILE && !values.config ? labTopology(root, profile) : undefined;
  const port = values.port !== undefined ? parsePositive(values.port, '--port', true) : undefined;
  const nodes = values.nodes !== undefined ? parsePositive(values.nodes, '--nodes', false) : undefined;
  // KUBELAB_RUNTIME lets harnesses that start clusters with fixed flags (the scenario runner, CI) pick the runtime
  const runtime = values.runtime ?? (process.env.KUBELAB_RUNTIME || undefined);
  if (runtime !== undefined && runtime !== 'sim' && runtime !== 'docker') throw new Error(`--runtime must be "sim" or "docker", not "${runtime}"`);
  const t0 = Date.now();
  const cluster = await startCluster({
    dataDir,
    port,
    nodes,
    runtime,
    configFile: values.config ? resolve(values.config) : labConfig,
    // pods of kubectl images run the kubectl the app ships, as the terminal does
    kubectlBinary: locateKubectl(appFolders().bundledBin).path ?? undefined,
    log: (l) => process.stderr.write(`kubelab: ${l}\n`),
  });
  process.stdout.write(`kubelab: cluster ready in ${Date.now() - t0} ms — API server ${cluster.server}, kubeconfig ${cluster.kubeconfigPath}\n`);
  process.stdout.write(`kubelab: use it with: export KUBECONFIG=${cluster.kubeconfigPath}\n`);
  // NodePorts kept from an earlier run are published again; new ones are logged as they appear
  const host = cluster.nodes.clusterNetwork?.hostAccess;
  await host?.settled();
  for (const p of host?.published() ?? [])
    process.stdout.write(
      p.entry ? `kubelab: ingress (${p.service}) ${p.entry.toUpperCase()} on ${p.url}\n` : `kubelab: ${p.service} NodePort ${p.nodePort} on ${p.url}\n`,
    );
  await new Promise<void>((res) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) {
        process.stderr.write('kubelab: forced exit\n');
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`kubelab: ${sig} received, stopping the cluster\n`);
      cluster.stop().then(res, res);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  process.stderr.write('kubelab: stopped\n');
  return 0;
}

function labTopology(dataDir: string, id: string): string | undefined {
  const { labs } = loadCatalog(labRoots(dataDir, []));
  try {
    return findLab(labs, id).cluster.configFile;
  } catch {
    return undefined;
  }
}

function parsePositive(v: string, flag: string, allowZero: boolean): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535)
    throw new Error(`${flag} expects ${allowZero ? 'a port number' : 'a positive whole number'}, not "${v}"`);
  return n;
}
