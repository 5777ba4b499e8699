// etcdctl and etcdutl as the etcd image ships them: the simulated binaries behind
// `kubectl -n kube-system exec etcd-<node> -- etcdctl`, reading certificates from and writing snapshots and
// restored data dirs to the container's own filesystem.
import type { Program } from '../../runtime/sim/programs/types';
import { runEtcdctl, type EtcdBackend } from '../../store/etcdctl/etcdctl';
import { runEtcdutl } from '../../store/etcdctl/etcdutl';
import { fsIo } from '../../store/etcdctl/fs-io';

export function etcdctlProgram(backend: EtcdBackend): Program {
  return (ctx) =>
    runEtcdctl(
      ctx.argv.slice(1),
      ctx.env,
      {
        ...fsIo(
          ctx.fs,
          ctx.cwd,
          (s) => ctx.out(s),
          (s) => ctx.err(s),
        ),
        signal: ctx.signal,
      },
      backend,
    );
}

export const etcdutlProgram: Program = (ctx) =>
  runEtcdutl(
    ctx.argv.slice(1),
    ctx.env,
    fsIo(
      ctx.fs,
      ctx.cwd,
      (s) => ctx.out(s),
      (s) => ctx.err(s),
    ),
  );
