// crictl on a node: the CRI's view of the kubelet's sandboxes and containers (ps, pods, images, logs, inspect,
// inspectp, exec), read from the node's runtime and the kubelet's pod records.
import * as fs from 'node:fs';
import type { ContainerStats, ContainerStatus, SandboxStatus } from '../../runtime/interface';
import { ago, crictlTable, humanSize } from './format';
import { fail, ok, registerNodeProgram, type NodeHost, type NodeProgramResult } from './table';
import { fatal, labelsMatch, matches, one, parseFlags, podOf, resolveId, short, STATE } from './crictl-args';
import { containerMessage, imageMessage, outputFormat, podLabels, printMessage, sandboxMessage } from './crictl-output';
import { removeContainers, removeSandboxes, stopSandboxes } from './crictl-remove';
import { executeGoTemplate, TemplateError } from './go-template';

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
   rm         Remove one or more containers
   rmp        Remove one or more pods
   stats      List container(s) resource usage statistics
   stop       Stop one or more running containers
   stopp      Stop one or more running pods
   version    Display runtime version information
`;

async function ps(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(
    argv,
    { name: 'name', pod: 'pod', p: 'pod', state: 'state', label: 'label', id: 'id', image: 'image', o: 'output', output: 'output' },
    { a: 'all', all: 'all', q: 'quiet', quiet: 'quiet', 'no-trunc': 'no-trunc', v: 'verbose', verbose: 'verbose' },
  );
  if (typeof p === 'string') return fail(`${p}\n`);
  const format = outputFormat(one(p, 'output'));
  if (typeof format !== 'string') return fatal(`listing containers: ${format.error}`);
  const state = one(p, 'state')?.toLowerCase();
  const all = p.bools.has('all') || !!state;
  const rt = node.kubelet.runtime;
  const images = new Map((await rt.listImages()).map((i) => [i.ref, i.id]));
  const cs = (await rt.listContainers())
    .filter((c) => (all ? !state || c.state === state.replace(/^container_/, '') : c.state === 'running'))
    .filter((c) => matches(one(p, 'name'), c.name) && (!one(p, 'pod') || c.sandboxId.startsWith(one(p, 'pod')!)))
    .filter((c) => (!one(p, 'id') || c.id.startsWith(one(p, 'id')!)) && (!one(p, 'image') || c.image.includes(one(p, 'image')!)))
    .filter((c) => labelsMatch({ ...podLabels(podOf(node, c.sandboxId)), 'io.kubernetes.container.name': c.name }, p.values.get('label')))
    .sort((a, b) => b.createdAt - a.createdAt);
  if (format !== 'table')
    return ok(printMessage({ containers: cs.map((c) => containerMessage(c, podOf(node, c.sandboxId), images.get(c.image) ?? c.imageRef)) }, format));
  if (p.bools.has('quiet')) return ok(cs.map((c) => c.id + '\n').join(''));
  const id = (x: string) => (p.bools.has('no-trunc') ? x : short(x));
  const rows = [['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE']];
  for (const c of cs) {
    const pod = podOf(node, c.sandboxId)?.pod.metadata;
    rows.push([
      id(c.id),
      id(images.get(c.image) ?? c.imageRef),
      ago(c.createdAt),
      STATE[c.state] ?? c.state,
      c.name,
      String(c.attempt),
      id(c.sandboxId),
      pod?.name ?? '',
      pod?.namespace ?? '',
    ]);
  }
  return ok(crictlTable(rows));
}

async function pods(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(
    argv,
    { name: 'name', namespace: 'namespace', state: 'state', s: 'state', label: 'label', id: 'id', o: 'output', output: 'output' },
    { q: 'quiet', quiet: 'quiet', 'no-trunc': 'no-trunc', v: 'verbose', verbose: 'verbose' },
  );
  if (typeof p === 'string') return fail(`${p}\n`);
  const format = outputFormat(one(p, 'output'));
  if (typeof format !== 'string') return fatal(`listing pod sandboxes: ${format.error}`);
  const state = one(p, 'state')
    ?.toLowerCase()
    .replace(/^sandbox_/, '');
  if (state && state !== 'ready' && state !== 'notready') return fail(`E0000 get pod list: state should be ready or not_ready\n`);
  const sbs = (await node.kubelet.runtime.listPodSandboxes())
    .map((s) => ({ s, st: podOf(node, s.id) }))
    .filter(({ s, st }) => {
      const md = st?.pod.metadata;
      return (
        (!state || s.state === state) &&
        (!one(p, 'id') || s.id.startsWith(one(p, 'id')!)) &&
        matches(one(p, 'name'), md?.name ?? '') &&
        matches(one(p, 'namespace'), md?.namespace ?? '') &&
        labelsMatch(podLabels(st), p.values.get('label'))
      );
    })
    .sort((a, b) => b.s.createdAt - a.s.createdAt);
  if (format !== 'table') return ok(printMessage({ items: sbs.map(({ s, st }) => sandboxMessage(s, st)) }, format));
  if (p.bools.has('quiet')) return ok(sbs.map(({ s }) => s.id + '\n').join(''));
  const rows = [['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']];
  for (const { s, st } of sbs) {
    const md = st?.pod.metadata;
    rows.push([
      p.bools.has('no-trunc') ? s.id : short(s.id),
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

async function images(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(
    argv,
    { o: 'output', output: 'output', filter: 'filter', f: 'filter' },
    { q: 'quiet', quiet: 'quiet', v: 'verbose', verbose: 'verbose', 'no-trunc': 'no-trunc', digests: 'digests' },
  );
  if (typeof p === 'string') return fail(`${p}\n`);
  const quiet = p.bools.has('quiet');
  const list = await node.kubelet.runtime.listImages();
  const o = one(p, 'output');
  if (o === 'json' || o === 'yaml') return ok(printMessage({ images: list.map(imageMessage) }, o));
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

/** inspect and inspectp print JSON unless -o says otherwise; -q leaves out the runtime's verbose info */
function inspectFormat(argv: string[]): { ids: string[]; format: string; template: string; quiet: boolean } | NodeProgramResult {
  const p = parseFlags(argv, { o: 'output', output: 'output', template: 'template' }, { q: 'quiet', quiet: 'quiet', v: 'verbose', verbose: 'verbose' });
  if (typeof p === 'string') return fail(`${p}\n`);
  return { ids: p.args, format: one(p, 'output') || 'json', template: one(p, 'template') ?? '', quiet: p.bools.has('quiet') };
}

/**
 * crictl's printing of inspect results: one object alone, several in an array; JSON indented, YAML as
 * sigs.k8s.io/yaml converts it, or the executed template (each followed by a newline). A format it does not know
 * fails only here, once the statuses were fetched.
 */
function outputStatuses(statuses: unknown[], format: string, template: string): NodeProgramResult {
  if (!statuses.length) return ok('');
  const data = statuses.length === 1 ? statuses[0] : statuses;
  if (format === 'json' || format === 'yaml') return ok(printMessage(data, format));
  if (format !== 'go-template') return fatal(`unsupported format: ${JSON.stringify(format)}`);
  try {
    return ok(executeGoTemplate(template, JSON.parse(JSON.stringify(data))) + '\n');
  } catch (e) {
    if (e instanceof TemplateError) return fatal(`execute template: ${e.message}`);
    throw e;
  }
}

/** the table forms' Labels and Annotations, each key sorted */
function labelLines(msg: Record<string, unknown>): string {
  return (['labels', 'annotations'] as const)
    .map((f) => {
      const m = (msg[f] ?? {}) as Record<string, string>;
      return (
        `${f[0].toUpperCase()}${f.slice(1)}:\n` +
        Object.keys(m)
          .sort()
          .map((k) => `\t${k} -> ${m[k]}\n`)
          .join('')
      );
    })
    .join('');
}

/** `inspect -o table`: crictl's summary of one container, human times, sorted labels and annotations */
function containerTable(c: ContainerStatus, msg: Record<string, unknown>, info: Record<string, unknown>, verbose: boolean): string {
  let out = `ID: ${c.id}\n`;
  if (c.name) out += `Name: ${c.name}\n`;
  if (c.attempt) out += `Attempt: ${c.attempt}\n`;
  out += `State: CONTAINER_${c.state.toUpperCase()}\nCreated: ${ago(c.createdAt)}\n`;
  if (c.state !== 'created') out += `Started: ${ago(c.startedAt ?? 0)}\n`;
  if (c.state === 'exited') {
    if (c.finishedAt) out += `Finished: ${ago(c.finishedAt)}\n`;
    out += `Exit Code: ${c.exitCode ?? 0}\n`;
  }
  out += labelLines(msg);
  // Go's %v of the response's info map: the runtime puts its verbose details under "info" as JSON text
  if (verbose) out += `Info: map[info:${JSON.stringify(info)}]\n`;
  return out;
}

async function inspect(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const parsed = inspectFormat(argv);
  if (!('ids' in parsed)) return parsed;
  const ids = parsed.ids;
  if (!ids.length) return fail('E0000 ID cannot be empty\n');
  const all = await node.kubelet.runtime.listContainers();
  const out: unknown[] = [];
  let table = '';
  for (const id of ids) {
    const c = resolveId(all, id, 'container');
    if (typeof c === 'string') return fail(`E0000 ${c}\n`);
    const st = podOf(node, c.sandboxId);
    const md = st?.pod.metadata;
    const info = { sandboxID: c.sandboxId, pid: 0, runtimeSpec: {} };
    const status = {
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
      // the kubelet labels a container with its name and its pod's identity only (pod labels are the sandbox's)
      labels: md
        ? {
            'io.kubernetes.container.name': c.name,
            'io.kubernetes.pod.name': md.name,
            'io.kubernetes.pod.namespace': md.namespace,
            'io.kubernetes.pod.uid': md.uid,
          }
        : {},
      logPath: md ? `/var/log/pods/${md.namespace}_${md.name}_${md.uid}/${c.name}/${c.attempt}.log` : '',
    };
    if (parsed.format === 'table') {
      const { annotations } = containerMessage(c, st, c.imageRef);
      table += containerTable(c, { labels: status.labels, annotations }, info, !parsed.quiet);
      continue;
    }
    out.push({
      status,
      ...(parsed.quiet ? {} : { info }),
    });
  }
  return table ? ok(table) : outputStatuses(out, parsed.format, parsed.template);
}

/** Go's time.Time %v in UTC: nanoseconds without trailing zeros */
const goTime = (ms: number) => {
  const iso = new Date(ms).toISOString();
  const frac = `${iso.slice(20, 23)}000000`.replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? '.' + frac : ''} +0000 UTC`;
};

/** `inspectp -o table`: crictl's summary of one pod sandbox */
function sandboxTable(s: SandboxStatus, msg: Record<string, unknown>, verbose: boolean): string {
  const md = msg.metadata as { name: string; uid: string; namespace: string };
  let out = `ID: ${s.id}\n`;
  if (md.name) out += `Name: ${md.name}\n`;
  if (md.uid) out += `UID: ${md.uid}\n`;
  if (md.namespace) out += `Namespace: ${md.namespace}\n`;
  out += `Attempt: 0\nStatus: ${msg.state}\nCreated: ${goTime(s.createdAt)}\nIP Addresses: ${s.podIPs[0] ?? ''}\n`;
  out += s.podIPs
    .slice(1)
    .map((ip) => `Additional IP: ${ip}\n`)
    .join('');
  out += labelLines(msg);
  if (verbose) out += `Info: map[info:${JSON.stringify({ runtimeHandler: s.handler })}]\n`;
  return out;
}

async function inspectp(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const parsed = inspectFormat(argv);
  if (!('ids' in parsed)) return parsed;
  if (!parsed.ids.length) return fail('E0000 ID cannot be empty\n');
  const all = await node.kubelet.runtime.listPodSandboxes();
  const out: unknown[] = [];
  let table = '';
  for (const id of parsed.ids) {
    const s = resolveId<SandboxStatus>(all, id, 'pod sandbox');
    if (typeof s === 'string') return fail(`E0000 ${s}\n`);
    const md = podOf(node, s.id)?.pod.metadata;
    if (parsed.format === 'table') {
      table += sandboxTable(s, sandboxMessage(s, podOf(node, s.id)), !parsed.quiet);
      continue;
    }
    out.push({
      status: {
        id: s.id,
        metadata: { attempt: 0, name: md?.name ?? '', namespace: md?.namespace ?? '', uid: md?.uid ?? '' },
        state: s.state === 'ready' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
        createdAt: new Date(s.createdAt).toISOString(),
        network: { additionalIps: s.podIPs.slice(1).map((ip) => ({ ip })), ip: s.podIPs[0] ?? '' },
        runtimeHandler: s.handler,
      },
    });
  }
  return table ? ok(table) : outputStatuses(out, parsed.format, parsed.template);
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

/**
 * CPU % is measured as crictl does: two cumulative samples a sample period apart (`-s`, default 1 s); MEM is the
 * working set. Containers that are not running are left out unless -a.
 */
async function stats(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(
    argv,
    { id: 'id', pod: 'pod', p: 'pod', label: 'label', s: 'seconds', seconds: 'seconds', o: 'output', output: 'output' },
    { a: 'all', all: 'all' },
  );
  if (typeof p === 'string') return fail(`${p}\n`);
  const format = outputFormat(one(p, 'output'));
  if (typeof format !== 'string' || format !== 'table') return fatal(`output format "${one(p, 'output')}" of stats is not available on a KubeLab node`);
  const rt = node.kubelet.runtime;
  const id = one(p, 'id') ?? p.args[0];
  const seconds = Number(one(p, 'seconds') ?? 1);
  if (!Number.isInteger(seconds) || seconds < 0) return fail(`invalid value "${one(p, 'seconds')}" for flag -seconds: parse error\n`);
  const cs = (await rt.listContainers())
    .filter((c) => (!id || c.id.startsWith(id)) && (!one(p, 'pod') || c.sandboxId.startsWith(one(p, 'pod')!)))
    .filter((c) => labelsMatch({ ...podLabels(podOf(node, c.sandboxId)), 'io.kubernetes.container.name': c.name }, p.values.get('label')))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const before = new Map<string, ContainerStats>();
  for (const c of cs) {
    const s = await rt.containerStats(c.id);
    if (s) before.set(c.id, s);
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const rows = [['CONTAINER', 'NAME', 'CPU %', 'MEM', 'DISK', 'INODES', 'SWAP']];
  for (const c of cs) {
    const a = before.get(c.id);
    const b = await rt.containerStats(c.id, { writableLayer: true });
    if (!a || !b) continue;
    const running = c.state === 'running';
    if (!p.bools.has('all') && !running) continue;
    const dt = (b.timestamp - a.timestamp) * 1e6;
    const cpu = running && dt > 0 ? ((b.cpuUsageNanoSeconds - a.cpuUsageNanoSeconds) / dt) * 100 : 0;
    // DISK and INODES are the container's writable layer; no container swaps here
    rows.push([
      short(c.id),
      c.name,
      cpu.toFixed(2),
      humanSize(b.memoryWorkingSetBytes),
      humanSize(b.writableLayerBytes ?? 0),
      String(b.writableLayerInodes ?? 0),
      '0B',
    ]);
  }
  return ok(crictlTable(rows));
}

async function stop(node: NodeHost, argv: string[]): Promise<NodeProgramResult> {
  const p = parseFlags(argv, { timeout: 'timeout', t: 'timeout' }, {});
  if (typeof p === 'string') return fail(`${p}\n`);
  if (!p.args.length) return fail('E0000 ID cannot be empty\n');
  let out = '';
  const all = await node.kubelet.runtime.listContainers();
  for (const given of p.args) {
    const c = resolveId(all, given, 'container');
    if (typeof c === 'string') return { stdout: out, stderr: `E0000 ${c}\n`, exitCode: 1 };
    await node.kubelet.runtime.stopContainer(c.id, Number(one(p, 'timeout') ?? 0));
    out += given + '\n';
  }
  return ok(out);
}

async function version(node: NodeHost): Promise<NodeProgramResult> {
  const v = node.kubelet.runtime.version();
  return ok(`Version:  0.1.0\nRuntimeName:  ${v.runtimeName}\nRuntimeVersion:  ${v.runtimeVersion}\nRuntimeApiVersion:  ${v.runtimeApiVersion}\n`);
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
  stats,
  stop,
  stopp: stopSandboxes,
  rmp: removeSandboxes,
  rm: removeContainers,
  version,
};

registerNodeProgram('crictl', async (args, { node }) => {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') return ok(USAGE);
  const f = SUBCOMMANDS[sub];
  if (!f) return fail(`No help topic for '${sub}'\n`, 3);
  return f(node, rest);
});
