/**
 * The kube-proxy binary of registry.k8s.io/kube-proxy as the simulator runs it in the DaemonSet's pods. The rules
 * are computed by the cluster network's proxier for every node at once; the process reports what a real kube-proxy
 * reports on start (mode, node IP, version, its informers), follows a mode change in its ConfigMap the way the real
 * one does (it exits, the kubelet restarts it with the new configuration), and the image's `iptables-save` and
 * `ipvsadm` show the node's rules — the pod shares the node's network namespace.
 */
import type { NodePrograms } from '../../runtime/sim/programs';
import type { Program, ProgramContext } from '../../runtime/sim/programs/types';
import { interruptibleSleep } from '../../runtime/sim/process';
import { klogHeader, klogStructured } from '../../kubelet/static-pods/component-log';
import type { NodeViews } from '../views';
import { configuredMode } from './config';

export const KUBE_PROXY_IMAGE = 'registry.k8s.io/kube-proxy';
export const KUBE_PROXY_VERSION = 'v1.33.4';

const CONFIG_POLL_MS = 2000;

async function readMode(ctx: ProgramContext, path: string): Promise<string | undefined> {
  try {
    const conf = await ctx.fs.readFile(path);
    return configuredMode(conf);
  } catch {
    return undefined;
  }
}

function kubeProxy(): Program {
  return async (ctx) => {
    const log = (sev: 'I' | 'E', caller: string, msg: string, kv?: Record<string, string | number | undefined>) =>
      ctx.err(klogHeader(sev, caller) + klogStructured(msg, kv) + '\n');
    const flag = (name: string) => ctx.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    const configPath = flag('config');
    const mode = configPath ? await readMode(ctx, configPath) : 'iptables';
    if (mode === undefined) {
      log('E', 'run.go:72', 'command failed', { err: `failed to load kube-proxy configuration: open ${configPath}: no such file or directory` });
      return 1;
    }
    const nodeIP = ctx.container.sandbox.ip;
    log('I', 'server_linux.go:63', `Using ${mode} proxy mode`);
    ctx.err(`${klogHeader('I', 'server.go:715')}${klogStructured('Successfully retrieved node IP(s)')} IPs=["${nodeIP}"]\n`);
    log('I', 'server.go:245', 'Kube-proxy configuration may be incomplete or incorrect', {
      err: 'nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`',
    });
    log('I', 'server_linux.go:145', `Using ${mode === 'ipvs' ? 'ipvs' : 'iptables'} Proxier`);
    log('I', 'server.go:516', 'Version info', { version: KUBE_PROXY_VERSION });
    for (const [caller, controller] of [
      ['config.go:199', 'service config'],
      ['config.go:105', 'endpoint slice config'],
      ['config.go:329', 'node config'],
    ] as const) {
      log('I', caller, `Starting ${controller.replace(' config', '')} config controller`);
      log('I', 'shared_informer.go:357', 'Caches are synced', { controller });
    }
    // a changed mode needs a restart: kube-proxy watches its configuration file and exits when it changes
    while (!ctx.signal.aborted) {
      // removes its abort listener when the time is up: a race with waitForAbort left one per poll on the signal
      await interruptibleSleep(CONFIG_POLL_MS, ctx.signal);
      if (ctx.signal.aborted || !configPath) break;
      const now = await readMode(ctx, configPath);
      if (now !== undefined && now !== mode) {
        log('E', 'run.go:72', 'command failed', { err: "content of the proxy server's configuration file was updated" });
        return 1;
      }
    }
    return 0;
  };
}

function rulesProgram(which: 'iptables-save' | 'ipvsadm', views: () => NodeViews | undefined): Program {
  return async (ctx) => {
    const v = views();
    if (!v) {
      ctx.err(`${which}: the node's network is not available\n`);
      return 1;
    }
    ctx.out(which === 'iptables-save' ? v.iptablesSave() : v.ipvsadm());
    return 0;
  };
}

/** kube-proxy and the rule listings its image carries, for one node */
export function kubeProxyPrograms(views: () => NodeViews | undefined): NodePrograms {
  const repositories = [KUBE_PROXY_IMAGE];
  return {
    'kube-proxy': { program: kubeProxy(), repositories },
    'iptables-save': { program: rulesProgram('iptables-save', views), repositories },
    ipvsadm: { program: rulesProgram('ipvsadm', views), repositories },
  };
}
