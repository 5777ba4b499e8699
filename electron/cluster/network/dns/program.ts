/**
 * The `coredns` binary of the registry.k8s.io/coredns/coredns image as the simulator runs it: reads the
 * Corefile named by `-conf` from its container (the mounted coredns ConfigMap), serves DNS on its pod IP through
 * the cluster DNS component, answers /health (8080) and /ready (8181) for the Deployment's probes and
 * /metrics (9153), and — with the reload plugin — re-reads the file and switches to a new configuration when it
 * changed, keeping the old one and logging the error when the new one does not parse, as CoreDNS does.
 */
import { createHash } from 'node:crypto';
import type { NodePrograms } from '../../runtime/sim/programs';
import type { Program, ProgramContext } from '../../runtime/sim/programs/types';
import { serveHttp } from '../../runtime/sim/programs/http';
import { waitForAbort } from '../../runtime/sim/programs/types';
import { interruptibleSleep } from '../../runtime/sim/process';
import { loadCorefile, type CoreDnsConfig } from './config';
import { CorefileError } from './corefile';
import { CoreDnsServer } from './coredns';
import type { ClusterDns } from './cluster-dns';
import { sleep } from './stub-resolver';
import { serveDnsOverTcp } from './wire';

export const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns';
export const COREDNS_VERSION = 'v1.12.0';

const sha512 = (s: string) => createHash('sha512').update(s).digest('hex');

async function readText(ctx: ProgramContext, path: string): Promise<string | undefined> {
  try {
    return await ctx.fs.readFile(path);
  } catch {
    return undefined;
  }
}

function nameservers(resolv: string | undefined): string[] {
  return (resolv ?? '')
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((x): x is string => !!x);
}

function load(src: string, path: string): CoreDnsConfig {
  try {
    return loadCorefile(src);
  } catch (e) {
    if (e instanceof CorefileError) throw new Error(e.message.replace(/^Corefile:/, `${path}:`));
    throw e;
  }
}

export function corednsProgram(dns: ClusterDns): Program {
  return async (ctx) => {
    const i = ctx.argv.indexOf('-conf');
    const path = i >= 0 ? (ctx.argv[i + 1] ?? 'Corefile') : 'Corefile';
    const abs = path.startsWith('/') ? path : `${ctx.cwd.replace(/\/$/, '')}/${path}`;
    const podIP = ctx.container.sandbox.ip;
    const log = (line: string) => ctx.out(line + '\n');
    // the kubelet may probe as soon as the container starts, before the Corefile is read: kubeadm's ports are bound
    // at once and answer once the configuration is loaded (then closed if the Corefile does not serve them)
    const routes = new Map<number, Map<string, () => string>>();
    const listeners = new Map<number, () => void>();
    let loaded!: (ok: boolean) => void;
    const ready = new Promise<boolean>((r) => {
      loaded = r;
    });
    const bind = (port: number) => {
      if (listeners.has(port)) return;
      try {
        listeners.set(
          port,
          ctx.container.sandbox.listen(port, (sock) =>
            serveHttp(
              sock,
              async (req) => {
                await ready;
                const body = routes.get(port)?.get(req.path.split('?')[0]);
                return body ? { status: 200, body: body() } : { status: 404, body: '404 page not found\n' };
              },
              'coredns',
            ),
          ),
        );
      } catch (e) {
        log(`[ERROR] listen tcp :${port}: bind: address already in use (${(e as Error).message})`);
      }
    };
    const unbindAll = () => {
      for (const off of listeners.values()) off();
      listeners.clear();
    };
    for (const port of [8080, 8181, 9153]) bind(port);

    let src = await readText(ctx, abs);
    if (src === undefined) {
      loaded(false);
      unbindAll();
      ctx.err(`open ${path}: no such file or directory\n`);
      return 1;
    }
    let config: CoreDnsConfig;
    try {
      config = load(src, path);
    } catch (e) {
      loaded(false);
      unbindAll();
      ctx.err(`${(e as Error).message}\n`);
      return 1;
    }
    ctx.proc.setMemory(ctx.proc.memoryBytes + 15_000_000);

    let resolvConf: string[] = nameservers(await readText(ctx, '/etc/resolv.conf'));
    const net = {
      exchange: (to: { ip: string; port: number }, q: any, depth: number) => dns.exchange(podIP, to, q, depth),
      resolvConf: () => resolvConf,
      sleep,
    };
    let server = new CoreDnsServer(config, dns.view, podIP, net, log);
    const queries = { total: 0 };
    // every query counts in coredns_dns_requests_total, over UDP or TCP
    const handle: typeof server.handle = (q, client, depth) => {
      queries.total++;
      return server.handle(q, client, depth);
    };
    const unregister = dns.register({ podIP, port: 53, handle });

    // DNS over TCP on :53 too, as CoreDNS serves both (real resolvers retry a truncated answer over TCP)
    let stopTcp: (() => void) | undefined;
    try {
      stopTcp = ctx.container.sandbox.listen(53, (sock, from) =>
        serveDnsOverTcp(sock, (q) => handle(q, { ip: from.ip, port: 30000 + Math.floor(Math.random() * 30000), proto: 'tcp' }, 0), log),
      );
    } catch (e) {
      log(`[ERROR] listen tcp :53: bind: address already in use (${(e as Error).message})`);
    }

    // health, ready and metrics listen where the server blocks say (kubeadm: :8080, :8181, :9153)
    const route = (port: number | undefined, path: string, body: () => string) => {
      if (!port) return;
      if (!routes.has(port)) routes.set(port, new Map());
      routes.get(port)!.set(path, body);
    };
    route(config.servers.find((s) => s.health)?.health?.port, '/health', () => 'OK');
    route(config.servers.find((s) => s.ready)?.ready?.port, '/ready', () => 'OK');
    route(
      config.servers.find((s) => s.prometheus)?.prometheus?.port,
      '/metrics',
      () =>
        `# HELP coredns_build_info A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.\n# TYPE coredns_build_info gauge\ncoredns_build_info{goversion="go1.23.3",revision="51e11f1",version="${COREDNS_VERSION.slice(1)}"} 1\n# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.\n# TYPE coredns_dns_requests_total counter\ncoredns_dns_requests_total{family="1",proto="udp",server="dns://:53",type="A",view="",zone="."} ${queries.total}\n`,
    );
    for (const port of routes.keys()) bind(port);
    for (const [port, off] of [...listeners])
      if (!routes.has(port)) {
        off();
        listeners.delete(port);
      }
    loaded(true);

    let hash = sha512(src);
    ctx.out(config.servers.map((s) => s.zones.map((z) => `${z}:${s.port}`).join(' ')).join('\n') + '\n');
    log(`[INFO] plugin/reload: Running configuration SHA512 = ${hash}`);
    ctx.out(`CoreDNS-${COREDNS_VERSION.slice(1)}\nlinux/amd64, go1.23.3, 51e11f1\n`);

    // the reload plugin: compare the file's hash every interval; a broken file keeps the running configuration
    const reloading = (async () => {
      while (!ctx.signal.aborted) {
        const every = config.servers.find((s) => s.reload)?.reload?.intervalMs;
        if (!every) {
          await waitForAbort(ctx.signal);
          return;
        }
        // removes its abort listener when the time is up (a race with waitForAbort left one per interval)
        await interruptibleSleep(every, ctx.signal);
        if (ctx.signal.aborted) return;
        const next = await readText(ctx, abs);
        resolvConf = nameservers(await readText(ctx, '/etc/resolv.conf'));
        if (next === undefined || sha512(next) === hash) continue;
        hash = sha512(next);
        log('[INFO] Reloading');
        try {
          config = load(next, path);
        } catch (e) {
          log(`[ERROR] Restart failed: ${(e as Error).message}`);
          continue;
        }
        src = next;
        server = new CoreDnsServer(config, dns.view, podIP, net, log);
        log(`[INFO] plugin/reload: Running configuration SHA512 = ${hash}`);
        log('[INFO] Reloading complete');
      }
    })();

    await waitForAbort(ctx.signal);
    log('[INFO] SIGTERM: Shutting down servers then terminating');
    if (config.servers.some((s) => s.health)) log('[INFO] plugin/health: Going into lameduck mode for 5s');
    unregister();
    stopTcp?.();
    unbindAll();
    await reloading;
    return 0;
  };
}

/** what a node hands its simulator: the coredns binary, in the coredns image only */
export function dnsPrograms(dns: ClusterDns): NodePrograms {
  return { coredns: { program: corednsProgram(dns), repositories: [COREDNS_IMAGE] } };
}
