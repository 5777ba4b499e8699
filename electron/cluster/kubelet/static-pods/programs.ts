// The control plane's binaries as the simulator runs them in the static pods: each answers its health endpoints
// (the manifests' probes), prints the start-up lines its real counterpart prints, then streams what the in-process
// component reports (component-log.ts) until it is stopped.
import type { Duplex } from 'node:stream';
import * as path from 'node:path';
import type { NodePrograms } from '../../runtime/sim/programs';
import type { Program, ProgramContext } from '../../runtime/sim/programs/types';
import { waitForAbort } from '../../runtime/sim/programs/types';
import { serveHttp } from '../../runtime/sim/programs/http';
import { klogHeader, klogStructured, type ComponentLog, type ControlPlaneComponent } from './component-log';
import { CONTROL_PLANE_IMAGES, type ControlPlaneVersions } from './manifests';
import { etcdctlProgram, etcdutlProgram } from './etcdctl-program';
import type { EtcdBackend } from '../../store/etcdctl/etcdctl';
import type { Mount } from '../../runtime/interface';
import type { EtcdMember } from './etcd-member';

const HEALTH_PATHS = new Set(['/livez', '/readyz', '/healthz', '/health']);

function flag(argv: string[], name: string): string | undefined {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

/** binds the ports and answers "ok" on the health paths (404 elsewhere), as the components' secure ports do for probes */
function serveHealth(ctx: ProgramContext, ports: number[], name: string, serve?: (sock: Duplex) => void): () => void {
  const offs: (() => void)[] = [];
  for (const port of ports) {
    try {
      offs.push(
        ctx.container.sandbox.listen(port, (sock) => (serve ? tlsOrPlain(sock, serve, (plain) => serveHealthOn(plain, name)) : serveHealthOn(sock, name))),
      );
    } catch (err) {
      ctx.err(klogHeader('E', 'server.go:101') + klogStructured('Unable to listen', { port, err: (err as Error).message }) + '\n');
    }
  }
  return () => offs.forEach((f) => f());
}

/**
 * the secure port takes TLS clients (pods through the kubernetes Service) to the real API server, while the
 * kubelet's probes, which the simulator sends as plain HTTP, keep their health answers: the first byte tells them apart
 */
function tlsOrPlain(sock: Duplex, tls: (sock: Duplex) => void, plain: (sock: Duplex) => void): void {
  sock.once('data', (first: Buffer) => {
    sock.pause();
    sock.unshift(first);
    if (first[0] === 0x16) tls(sock);
    else plain(sock);
    sock.resume();
  });
}

function serveHealthOn(sock: Duplex, name: string): void {
  serveHttp(sock, (req) => (HEALTH_PATHS.has(req.path.split('?')[0]) ? { status: 200, body: 'ok' } : { status: 404, body: '404 page not found\n' }), name);
}

function component(
  log: ComponentLog,
  name: ControlPlaneComponent,
  ports: (argv: string[]) => number[],
  banner: (argv: string[]) => string[],
  serve?: (sock: Duplex) => void,
): Program {
  return async (ctx) => {
    const stopServing = serveHealth(ctx, ports(ctx.argv), name, serve);
    ctx.proc.setMemory(ctx.proc.memoryBytes + 40_000_000);
    ctx.err(banner(ctx.argv).join(''));
    const detach = log.attach(name, (text) => ctx.err(text));
    await waitForAbort(ctx.signal);
    detach();
    stopServing();
    return 0;
  };
}

const k = (caller: string, msg: string, kv?: Record<string, string | number | undefined>) => klogHeader('I', caller) + klogStructured(msg, kv) + '\n';
const plain = (caller: string, text: string) => klogHeader('I', caller) + text + '\n';

/**
 * serveApi: the real API server's TLS front end, which the kube-apiserver pod's secure port hands its connections to,
 * so pods reach the API through the kubernetes Service (10.96.0.1:443 → this node's 6443) while the pod runs;
 * etcd: the store as etcdctl in the etcd pod reaches it
 */
export function controlPlanePrograms(
  log: ComponentLog,
  v: ControlPlaneVersions,
  backends: { serveApi?: (sock: Duplex) => void; etcd?: EtcdBackend; member?: EtcdMember } = {},
): NodePrograms {
  const { serveApi, etcd: etcdStore, member } = backends;
  const apiserver = component(
    log,
    'kube-apiserver',
    // the secure port, and 6443 where the kubernetes Service's endpoint points (kind's in-cluster address) when the
    // loopback listener had to take another port
    (argv) => [...new Set([Number(flag(argv, 'secure-port') ?? 6443), ...(serveApi ? [6443] : [])])],
    (argv) => [
      plain('options.go:249', `external host was not specified, using ${flag(argv, 'advertise-address') ?? '127.0.0.1'}`),
      k('server.go:159', 'Version info', { version: v.kubernetes }),
      k('server.go:161', 'Golang settings', { GOGC: '', GOMAXPROCS: '', GOTRACEBACK: '' }),
      k('secure_serving.go:211', 'Serving securely on [::]:' + (flag(argv, 'secure-port') ?? '6443')),
    ],
    serveApi,
  );
  // the scheduler and the controller manager start alike: a self-signed serving cert, their secure port, leader election
  const electedBanner = (name: 'kube-scheduler' | 'kube-controller-manager', port: number, starting: string) => () => [
    plain('serving.go:386', 'Generated self-signed cert in-memory'),
    starting,
    k('secure_serving.go:211', `Serving securely on 127.0.0.1:${port}`),
    plain('leaderelection.go:257', `attempting to acquire leader lease kube-system/${name}...`),
    plain('leaderelection.go:271', `successfully acquired lease kube-system/${name}`),
  ];
  const scheduler = component(
    log,
    'kube-scheduler',
    () => [10259],
    electedBanner('kube-scheduler', 10259, k('server.go:171', 'Starting Kubernetes Scheduler', { version: v.kubernetes })),
  );
  const controllerManager = component(
    log,
    'kube-controller-manager',
    () => [10257],
    electedBanner('kube-controller-manager', 10257, k('controllermanager.go:192', 'Starting', { version: v.kubernetes })),
  );
  const etcdServer = component(
    log,
    'etcd',
    () => [2379, 2381],
    (argv) => {
      const ts = () => new Date().toISOString();
      const line = (caller: string, msg: string, extra: Record<string, unknown> = {}) =>
        JSON.stringify({ level: 'info', ts: ts(), caller, msg, ...extra }) + '\n';
      return [
        line('embed/etcd.go:140', 'configuring peer listeners', { 'listen-peer-urls': [flag(argv, 'listen-peer-urls') ?? ''] }),
        line('embed/etcd.go:308', 'starting an etcd server', {
          'etcd-version': v.etcd.replace(/-\d+$/, ''),
          name: flag(argv, 'name') ?? 'default',
          'data-dir': flag(argv, 'data-dir') ?? '/var/lib/etcd',
        }),
        line('etcdserver/server.go:2144', 'published local member to cluster through raft', { 'request-path': '/0/members/1/attributes' }),
        line('embed/serve.go:187', 'serving client traffic securely', { traffic: 'grpc+http', address: '127.0.0.1:2379' }),
      ];
    },
  );
  const etcd: Program = member ? (ctx) => runMember(ctx, member, etcdServer) : etcdServer;
  const repos = (c: keyof typeof CONTROL_PLANE_IMAGES) => [CONTROL_PLANE_IMAGES[c]];
  return {
    'kube-apiserver': { program: apiserver, repositories: repos('kube-apiserver') },
    'kube-scheduler': { program: scheduler, repositories: repos('kube-scheduler') },
    'kube-controller-manager': { program: controllerManager, repositories: repos('kube-controller-manager') },
    etcd: { program: etcd, repositories: repos('etcd') },
    ...(etcdStore ? { etcdctl: { program: etcdctlProgram(etcdStore), repositories: repos('etcd') } } : {}),
    etcdutl: { program: etcdutlProgram, repositories: repos('etcd') },
  };
}

/** the folder on the node behind a path in the container: the deepest mount holding it (undefined: the container's own layer) */
export function hostPathIn(mounts: Mount[], containerPath: string): string | undefined {
  const p = path.posix.normalize(containerPath);
  const m = [...mounts]
    .sort((a, b) => b.containerPath.length - a.containerPath.length)
    .find((x) => p === x.containerPath || p.startsWith(x.containerPath.replace(/\/$/, '') + '/'));
  return m && path.join(m.hostPath, path.posix.relative(m.containerPath, p));
}

/** etcd on its --data-dir: the member puts that dir into service (or refuses, and etcd exits as a fatal error would) */
async function runMember(ctx: ProgramContext, member: EtcdMember, serve: Program): Promise<number> {
  const shown = flag(ctx.argv, 'data-dir') ?? `${flag(ctx.argv, 'name') ?? 'default'}.etcd`;
  const dataDir = path.posix.isAbsolute(shown) ? shown : path.posix.join(ctx.cwd, shown);
  const refused = await member.start(hostPathIn(ctx.container.config.mounts, dataDir), shown);
  if (refused) {
    ctx.err(JSON.stringify({ level: 'fatal', ts: new Date().toISOString(), caller: 'etcdmain/etcd.go:204', msg: 'discovery failed', error: refused }) + '\n');
    return 1;
  }
  try {
    return await serve(ctx);
  } finally {
    member.stop();
  }
}
