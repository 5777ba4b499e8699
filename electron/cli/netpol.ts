// `kubelab netpol probe`: Cyclonus's probe from the command line — every pod of the chosen namespaces connects to
// every other pod's IP on one port (`nc -z -w 2` run in the source pod), and the matrix of what got through is
// printed with rows = from, columns = to, '.' allowed, 'X' denied, '?' when the source pod could not probe.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultDataDir } from '../app/paths';
import { KubeClient } from '../lab-engine/kube-client';
import { readKubeconfig } from '../lab-engine/kubeconfig';
import { formatMatrix } from '../cluster';

const HELP = `Usage: kubelab netpol probe [-n NAMESPACE]... [--port N] [--kubeconfig FILE | --data-dir DIR]

  probe   connect from every running pod to every other one (by pod IP) and print the reachability matrix:
          rows are sources, columns destinations; '.' connected, 'X' dropped or refused, '?' the source pod has
          no nc to probe with. Default namespaces: all but kube-*.
`;

/** how many probes run at once: each is an exec, and a dropped one waits out its 2 s timeout */
const PARALLEL = 24;

export async function runNetpol(args: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        namespace: { type: 'string', short: 'n', multiple: true },
        port: { type: 'string', default: '80' },
        kubeconfig: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`kubelab netpol: ${(e as Error).message}\n\n${HELP}`);
    return 1;
  }
  if (values.help) {
    out(HELP);
    return 0;
  }
  if (positionals[0] !== 'probe') {
    process.stderr.write(HELP);
    return 1;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`kubelab netpol: --port must be a number from 1 to 65535, got "${values.port}"\n`);
    return 1;
  }
  const kubeconfig = values.kubeconfig ? resolve(values.kubeconfig) : join(resolve(values['data-dir'] ?? defaultDataDir()), 'kubeconfig');
  if (!existsSync(kubeconfig)) {
    process.stderr.write(`kubelab netpol: ${kubeconfig} not found; is the cluster running (kubelab start)?\n`);
    return 1;
  }

  const kube = new KubeClient(readKubeconfig(kubeconfig));
  try {
    const namespaces: string[] = values.namespace?.length
      ? values.namespace
      : ((await kube.list('v1', 'Namespace')).items as any[]).map((n) => n.metadata.name as string).filter((n) => !n.startsWith('kube-'));
    const all = (await Promise.all(namespaces.map(async (ns) => (await kube.list('v1', 'Pod', ns)).items as any[]))).flat();
    const pods = all
      .filter((p) => p.status?.phase === 'Running' && p.status?.podIP && !p.spec?.hostNetwork)
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    if (!pods.length) {
      process.stderr.write('kubelab netpol: no running pods with a pod IP in those namespaces\n');
      return 1;
    }
    const cells = pods.map((from) => pods.map((to) => ({ from, to, allowed: from === to ? (true as boolean | undefined) : undefined })));
    const todo = cells.flat().filter((c) => c.from !== c.to);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, todo.length) }, async () => {
        while (next < todo.length) {
          const c = todo[next++];
          const r = await kube
            .exec(c.from.metadata.namespace, c.from.metadata.name, ['nc', '-z', '-w', '2', c.to.status.podIP, String(port)], undefined, 20_000)
            .catch(() => ({ exitCode: 127, stdout: '', stderr: '' }));
          // 127 / "not found": the image has no nc, so the cell says nothing about the network
          c.allowed = r.exitCode === 0 ? true : r.exitCode === 127 || /not found/.test(r.stderr) ? undefined : false;
        }
      }),
    );
    out(
      formatMatrix({
        pods: pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
        port,
        protocol: 'TCP',
        cells: cells.map((row) => row.map((c) => ({ allowed: c.allowed }))),
      }) + '\n',
    );
    return 0;
  } finally {
    kube.close();
  }
}
