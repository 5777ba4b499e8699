// etcdctl and etcdutl in a control-plane node's shell, where admins run them on a kubeadm cluster (with kubeadm's
// PKI under /etc/kubernetes/pki/etcd). A worker runs no etcd, and has neither.
import { runEtcdctl } from '../../store/etcdctl/etcdctl';
import { runEtcdutl } from '../../store/etcdctl/etcdutl';
import { fsIo } from '../../store/etcdctl/fs-io';
import { registerNodeProgram, type NodeProgramContext, type NodeProgramResult } from './table';

/**
 * The node shell answers one command line at a time, so a watch cannot run until Ctrl-C there: it stops after
 * this long and says so (what it printed is shown then).
 */
const SHELL_WATCH_MS = 5_000;

function capture(run: (io: ReturnType<typeof fsIo>) => Promise<number>, ctx: NodeProgramContext): Promise<NodeProgramResult> {
  let stdout = '',
    stderr = '';
  const io = fsIo(
    ctx.fs,
    ctx.cwd,
    (s) => (stdout += s),
    (s) => (stderr += s),
  );
  return run(io).then((exitCode) => ({ stdout, stderr, exitCode }));
}

const notFound = (name: string): NodeProgramResult => ({ stdout: '', stderr: `bash: ${name}: command not found\n`, exitCode: 127 });

registerNodeProgram('etcdctl', async (args, ctx) => {
  const etcd = ctx.node.etcd;
  if (!etcd) return notFound('etcdctl');
  const watching = args.includes('watch');
  const limit = watching ? AbortSignal.timeout(SHELL_WATCH_MS) : undefined;
  const signals = [ctx.signal, limit].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length ? AbortSignal.any(signals) : new AbortController().signal;
  const r = await capture((io) => runEtcdctl(args, ctx.env, { ...io, signal }, etcd), ctx);
  if (limit?.aborted && !ctx.signal?.aborted)
    r.stderr += `(KubeLab: the node shell runs one command line at a time, so this watch stopped after ${SHELL_WATCH_MS / 1000}s; for a watch that runs until Ctrl-C use kubectl -n kube-system exec -it etcd-${ctx.node.nodeName} -- etcdctl …)\n`;
  return r;
});

registerNodeProgram('etcdutl', async (args, ctx) => (ctx.node.etcd ? capture((io) => runEtcdutl(args, ctx.env, io), ctx) : notFound('etcdutl')));
