// etcdctl as the etcd image ships it: the simulated binary behind `kubectl -n kube-system exec etcd-<node> -- etcdctl`,
// reading certificates from and writing snapshots to the container's own filesystem.
import type { Program } from '../../runtime/sim/programs/types';
import { runEtcdctl, type EtcdBackend } from '../../store/etcdctl/etcdctl';

export function etcdctlProgram(backend: EtcdBackend): Program {
  return (ctx) =>
    runEtcdctl(
      ctx.argv.slice(1),
      ctx.env,
      {
        out: (s) => ctx.out(s),
        err: (s) => ctx.err(s),
        readFile: async (path) => {
          const file = ctx.fs.resolvePath(ctx.cwd, path);
          return (await ctx.fs.exists(file)) ? ctx.fs.readFile(file) : undefined;
        },
        writeFile: (path, data) => ctx.fs.writeFile(ctx.fs.resolvePath(ctx.cwd, path), data),
        signal: ctx.signal,
      },
      backend,
    );
}
