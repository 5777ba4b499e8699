// Services for Docker pods, the way legacy kube-proxy's userspace mode did it: NAT rules on the cluster's bridge
// send each ClusterIP Service port to a listener of this process on the bridge gateway, which carries the
// connection on through the simulated data path as the pod. The Service model is the simulated kube-proxy's
// (its Proxier's rules); the host's table gets only KubeLab's own per-cluster chain and one hook for the bridge.
import { createSocket } from 'node:dgram';
import type { ClusterNetwork } from '../../../network/cluster-network';
import { servicePortName } from '../../../network/rules';
import { message, type DockerBackend } from '../backend';
import { POD_GATEWAY } from '../pod-network';
import { hookRule, hooksIn, removePayload, servicesChain, syncPayload, type ProxiedPort } from './chains';
import { daemonAccess, directAccess, mayWriteNetfilter, type IptablesAccess } from './iptables';
import { openListener, type ListenerTarget, type PortListener } from './listeners';

export interface DockerServiceProxy {
  stop(): Promise<void>;
}

/** why the host cannot carry Service traffic for Docker pods, or undefined when it can */
async function unsupported(backend: DockerBackend): Promise<string | undefined> {
  if (process.platform !== 'linux') return `the Docker bridge is inside Docker Desktop's VM, not on this ${process.platform} host`;
  if (backend.daemon?.rootless) return "rootless Docker keeps its bridge in its own network namespace, out of this process's reach";
  if (!(await isLocalAddress(POD_GATEWAY)))
    return `the cluster network's gateway ${POD_GATEWAY} is no address of this host (a Docker Desktop VM or another network namespace holds the bridge)`;
  return undefined;
}

function accessFor(backend: DockerBackend, log: (line: string) => void): IptablesAccess {
  return mayWriteNetfilter() ? directAccess() : daemonAccess(backend.docker, () => backend.pauseImage(), backend.cluster, log);
}

/** bindable means the host holds the address (os.networkInterfaces() omits a bridge without carrier: no pod yet) */
function isLocalAddress(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind({ address: ip, port: 0 }, () => s.close(() => resolve(true)));
  });
}

async function bridgeOf(backend: DockerBackend): Promise<string> {
  if (!backend.podNetwork) throw new Error('the Docker runtime has no pod network');
  return backend.podNetwork.hostInterface();
}

/** starts the proxy for the cluster's Docker pods; when the host cannot, says why once and leaves the host alone */
export async function startDockerServiceProxy(
  backend: DockerBackend,
  network: ClusterNetwork,
  log: (line: string) => void,
): Promise<DockerServiceProxy | undefined> {
  const why = await unsupported(backend);
  if (why) {
    log(`docker service proxy: off — ${why}; Docker pods reach no ClusterIP Service, cluster DNS or in-cluster API server`);
    return undefined;
  }
  const access = accessFor(backend, log);
  const chain = servicesChain(backend.cluster);
  let bridge: string;
  let hooks: string[];
  try {
    bridge = await bridgeOf(backend);
    hooks = hooksIn(await access.save(), chain);
  } catch (err) {
    log(`docker service proxy: off — cannot read the host's NAT table (${access.how}): ${message(err)}`);
    return undefined;
  }
  log(`docker service proxy: Services for Docker pods through chain ${chain} on ${bridge} (${access.how})`);

  const listeners = new Map<string, { target: ListenerTarget; listener: Promise<PortListener | undefined> }>();
  let written = '';
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const wanted = (): ListenerTarget[] =>
    network.proxier
      .rules()
      .filter((r) => r.clusterIP && (r.protocol === 'TCP' || r.protocol === 'UDP'))
      .map((r) => ({ service: servicePortName(r), vip: r.clusterIP!, port: r.port, protocol: r.protocol as 'TCP' | 'UDP' }));
  const keyOf = (t: ListenerTarget) => `${t.vip}:${t.port}/${t.protocol}`;

  const syncOnce = async () => {
    const want = new Map(wanted().map((t) => [keyOf(t), t]));
    for (const [k, l] of listeners)
      if (!want.has(k)) {
        listeners.delete(k);
        void l.listener.then((x) => x?.close());
      }
    for (const [k, t] of want)
      if (!listeners.has(k))
        listeners.set(k, {
          target: t,
          listener: openListener(network, POD_GATEWAY, t, log).catch((e: Error) => {
            log(`docker service proxy: ${t.service} ${t.vip}:${t.port}/${t.protocol}: cannot listen on ${POD_GATEWAY}: ${e.message}`);
            return undefined;
          }),
        });
    const ports: ProxiedPort[] = [];
    for (const { target, listener } of listeners.values()) {
      const l = await listener;
      if (l) ports.push({ service: target.service, clusterIP: target.vip, port: target.port, protocol: target.protocol, proxyPort: l.proxyPort });
    }
    const payload = syncPayload({ chain, bridge, gateway: POD_GATEWAY, ports, hooks });
    if (payload === written || stopped) return;
    await access.restore(payload);
    written = payload;
    hooks = [hookRule(chain, bridge)];
  };
  // one write at a time; changes arriving meanwhile fold into one more
  const sync = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await syncOnce().catch((e) => log(`docker service proxy: writing ${chain}: ${message(e)}`));
      } while (again && !stopped);
      running = undefined;
    })();
  };
  const off = network.proxier.onSync(sync);
  sync();
  await running;

  return {
    async stop() {
      stopped = true;
      off();
      await running;
      await removeRules(access, chain, log);
      await Promise.all([...listeners.values()].map((l) => l.listener.then((x) => x?.close())));
      listeners.clear();
    },
  };
}

async function removeRules(access: IptablesAccess, chain: string, log: (line: string) => void): Promise<void> {
  try {
    const payload = removePayload(chain, await access.save());
    if (payload) await access.restore(payload);
  } catch (err) {
    log(`docker service proxy: removing ${chain}: ${message(err)}`);
  }
}

/** cluster deletion: the chain a crashed run may have left goes with the cluster's containers */
export async function removeServiceProxyRules(backend: DockerBackend, log: (line: string) => void): Promise<void> {
  if (process.platform !== 'linux' || backend.daemon?.rootless) return;
  await removeRules(accessFor(backend, log), servicesChain(backend.cluster), log);
}
