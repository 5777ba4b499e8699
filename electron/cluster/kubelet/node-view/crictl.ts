// crictl on a node: the CRI's view of the kubelet's sandboxes and containers (ps, pods, images, logs, inspect,
// inspectp, exec), read from the node's runtime and the kubelet's pod records.
import * as fs from 'node:fs';
import type { ContainerStatus, SandboxStatus } from '../../runtime/interface';
import type { PodState } from '../pod-state';
import { ago, crictlTable, humanSize } from './format';
import { fail, ok, registerNodeProgram, type NodeHost, type NodeProgramResult } from './table';

const USAGE = `NAME:
   crictl - client for CRI

USAGE:
   crictl [global options] command [command options]

COMMANDS:
   exec       Run a command in a running container
   images     List images
   inspect    Display the status of one or more containers
   inspectp   Display the status of one or more pods
   logs       Fetch the logs of a container
   pods       List pods
   ps         List containers
`;

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 13);

function podOf(node: NodeHost, sandboxId: string): PodState | undefined {
  for (const st of node.kubelet.states.values()) if (st.sandboxId === sandboxId) return st;
  return undefined;
}

/** an ID given on the command line: a unique prefix of a full one, as crictl resolves it */
function resolveId<T extends { id: string }>(items: T[], given: string, what: string): T | string {
  const m = items.filter((i) => i.id.startsWith(given));
  if (m.length === 1) return m[0];
  return m.length ? `${what} ID "${given}" is ambiguous` : `${what} "${given}" not found`;
}

const STATE: Record<string, string> = { created: 'Created', running: 'Running', exited: 'Exited', unknown: 'Unknown' };

async function ps(node: NodeHost, args: string[]): Promise<NodeProgramResult> {
  const all = args.includes('-a') || args.includes('--all');
  const quiet = args.includes('-q') || args.includes('--quiet');
  const rt = node.kubelet.runtime;
  const images = new Map((await rt.listImages()).map((i) => [i.ref, i.id]));
  const cs = (await rt.listContainers()).filter((c) => all || c.state === 'running').sort((a, b) => b.createdAt - a.createdAt);
  if (quiet) return ok(cs.map((c) => c.id + '\n').join(''));
  const rows = [['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE']];
  for (const c of cs) {
    const pod = podOf(node, c.sandboxId)?.pod.metadata;
    rows.push([
      short(c.id),
      short(images.get(c.image) ?? c.imageRef),
      ago(c.createdAt),
      STATE[c.state] ?? c.state,
      c.name,
      String(c.attempt),
      short(c.sandboxId),
      pod?.name ?? '',
      pod?.namespace ?? '',
    ]);
  }
  return ok(crictlTable(rows));
}

async function pods(node: NodeHost, args: string[]): Promise<NodeProgramResult> {
  const quiet = args.includes('-q') || args.includes('--quiet');
  const sbs = (await node.kubelet.runtime.listPodSandboxes()).sort((a, b) => b.createdAt - a.createdAt);
  if (quiet) return ok(sbs.map((s) => s.id + '\n').join(''));
  const rows = [['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']];
  for (const s of sbs) {
    const md = podOf(node, s.id)?.pod.metadata;
    rows.push([
      short(s.id),
      ago(s.createdAt),
      s.state === 'ready' ? 'Ready' : 'NotReady',
      md?.name ?? '',
      md?.namespace ?? '',
      '0',
      s.handler === 'runc' || !s.handler ? '(default)' : s.handler,
    ]);
  }
  return ok(crictlTable(rows));
}

async function images(node: NodeHost, args: string[]): Promise<NodeProgramResult> {
  const quiet = args.includes('-q') || args.includes('--quiet');
  const list = await node.kubelet.runtime.listImages();
  if (quiet) return ok(list.map((i) => i.id + '\n').join(''));
  const rows = [['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']];
  for (const i of list) {
    const at = i.ref.lastIndexOf(':');
    const hasTag = at > i.ref.lastIndexOf('/');
    rows.push([hasTag ? i.ref.slice(0, at) : i.ref, hasTag ? i.ref.slice(at + 1) : '<none>', short(i.id), humanSize(i.sizeBytes)]);
  }
  return ok(crictlTable(rows));
}

async function findContainer(node: NodeHost, id: string | undefined): Promise<ContainerStatus | string> {
  if (!id) return 'ID cannot be empty';
  return resolveId(await node.kubelet.runtime.listContainers(), id, 'container');
}

async function logs(node: NodeHost, args: string[]): Promise<NodeProgramResult> {
  const tailIdx = args.findIndex((a) => a === '--tail' || a.startsWith('--tail='));
  const tail = tailIdx < 0 ? undefined : Number(args[tailIdx].includes('=') ? args[tailIdx].split('=')[1] : args[tailIdx + 1]);
  const id = args.filter((a, i) => !a.startsWith('-') && !(tailIdx >= 0 && i === tailIdx + 1 && !args[tailIdx].includes('=')))[0];
  const c = await findContainer(node, id);
  if (typeof c === 'string') return fail(`E0000 ${c}\n`);
  const st = podOf(node, c.sandboxId);
  if (!st) return fail(`failed to try resolving symlinks in path: container "${c.id}" has no log file\n`);
  const file = node.kubelet.logPath(st.pod, c.name, c.attempt);
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`failed to open log file "${file}": ${(err as Error).message}\n`);
  }
  // CRI log lines: "<time> <stream> <P|F> <text>"; partial lines join the next one
  let out = '';
  for (const line of text.split('\n')) {
    const m = /^\S+ (stdout|stderr) ([PF]) (.*)$/.exec(line);
    if (m) out += m[3] + (m[2] === 'F' ? '\n' : '');
  }
  if (tail !== undefined && Number.isFinite(tail))
    out = out
      .split('\n')
      .slice(0, -1)
      .slice(-tail)
      .map((l) => l + '\n')
      .join('');
  return ok(out);
}

async function inspect(node: NodeHost, args: string[]): Promise<NodeProgramResult> {
  const ids = args.filter((a) => !a.startsWith('-'));
  if (!ids.length) return fail('E0000 ID cannot be empty\n');
  const out: unknown[] = [];
  for (const id of ids) {
    const c = await findContainer(node, id);
    if (typeof c === 'string') return fail(`E0000 ${c}\n`);
    const md = podOf(node, c.sandboxId)?.pod.metadata;
    out.push({
      status: {
        id: c.id,
        metadata: { attempt: c.attempt, name: c.name },
        state: `CONTAINER_${c.state.toUpperCase()}`,
        createdAt: new Date(c.createdAt).toISOString(),
        startedAt: c.startedAt ? new Date(c.startedAt).toISOString() : '1970-01-01T00:00:00Z',
        finishedAt: c.finishedAt ? new Date(c.finishedAt).toISOString() : '1970-01-01T00:00:00Z',
        exitCode: c.exitCode ?? 0,
        image: { image: c.image },
        imageRef: c.imageRef,
        reason: c.reason ?? '',
        message: c.message ?? '',
        labels: md
          ? {
              'io.kubernetes.container.name': c.name,
              'io.kubernetes.pod.name': md.name,
              'io.kubernetes.pod.namespace': md.namespace,
              'io.kubernetes.pod.uid': md.uid,
            }
          : {},
        logPath: md ? `/var/log/pods/${md.namespace}_${md.name}_${md.uid}/${c.name}/${c.attempt}.log` : '',
      },
      info: { sandboxID: c.sandboxId, pid: 0, runtimeSpec: {} },
    });
  }
  return ok(JSON.stringify(out.length === 1 ? out[0] : out, null, 2) + '\n');
}

async function inspectp(node: NodeHost, args: string[]): Promise<NodeProgramResult> {
  const id = args.find((a) => !a.startsWith('-'));
  if (!id) return fail('E0000 ID cannot be empty\n');
  const s = resolveId<SandboxStatus>(await node.kubelet.runtime.listPodSandboxes(), id, 'pod sandbox');
  if (typeof s === 'string') return fail(`E0000 ${s}\n`);
  const md = podOf(node, s.id)?.pod.metadata;
  return ok(
    JSON.stringify(
      {
        status: {
          id: s.id,
          metadata: { attempt: 0, name: md?.name ?? '', namespace: md?.namespace ?? '', uid: md?.uid ?? '' },
          state: s.state === 'ready' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
          createdAt: new Date(s.createdAt).toISOString(),
          network: { additionalIps: s.podIPs.slice(1).map((ip) => ({ ip })), ip: s.podIPs[0] ?? '' },
          runtimeHandler: s.handler,
        },
      },
      null,
      2,
    ) + '\n',
  );
}

async function exec(node: NodeHost, args: string[]): Promise<NodeProgramResult> {
  const rest = args.filter((a) => !['-i', '-t', '-it', '-ti', '--interactive', '--tty'].includes(a));
  const [id, ...cmd] = rest[0] === '--' ? rest.slice(1) : rest;
  const command = cmd[0] === '--' ? cmd.slice(1) : cmd;
  if (!command.length) return fail('E0000 Command cannot be empty\n');
  const c = await findContainer(node, id);
  if (typeof c === 'string') return fail(`E0000 ${c}\n`);
  const r = await node.kubelet.runtime.execSync(c.id, command, 60);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

const SUBCOMMANDS: Record<string, (node: NodeHost, args: string[]) => Promise<NodeProgramResult>> = {
  ps,
  pods,
  images,
  img: images,
  logs,
  inspect,
  inspectp,
  exec,
};

registerNodeProgram('crictl', async (args, { node }) => {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') return ok(USAGE);
  const f = SUBCOMMANDS[sub];
  if (!f) return fail(`No help topic for '${sub}'\n`, 3);
  return f(node, rest);
});
