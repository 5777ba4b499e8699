// The kubelet's streaming endpoints (exec, attach, logs, port-forward) as the API server reaches them in-process.
import type { Duplex, Readable } from 'node:stream';
import { statusError } from '../api/errors';
import type { ExecOptions, StreamSession } from '../runtime/interface';
import type { KubeletConnection, LogOptions } from './connector';
import type { Kubelet } from './kubelet';
import { containerLogSource, readContainerLogs } from './logs';
import { serveKubeletHttp } from './http-endpoints';
import { NodeShell } from './node-view/shell';
import type { NodeViews } from '../network/views';
import type { EtcdBackend } from '../store/etcdctl/etcdctl';

const MAX_SHELLS = 32;

/** etcd: the control-plane node's etcd, for etcdctl in the node shell */
export function kubeletConnection(k: Kubelet, network?: () => NodeViews, etcd?: EtcdBackend): KubeletConnection {
  const startedAt = new Date();
  const shells = new Map<string, NodeShell>();
  const find = (namespace: string, pod: string) => {
    const { st, pod: obj } = k.podByName(namespace, pod);
    if (!obj) throw statusError(404, 'NotFound', `pods "${pod}" not found`, { name: pod, kind: 'pods' });
    return { st, obj };
  };
  const running = (namespace: string, pod: string, container: string) => {
    const { st, obj } = find(namespace, pod);
    const spec = [...(obj.spec?.containers ?? []), ...(obj.spec?.initContainers ?? []), ...(obj.spec?.ephemeralContainers ?? [])].find(
      (c: any) => c.name === container,
    );
    if (!spec) throw statusError(400, 'BadRequest', `container ${container} is not valid for pod ${pod}`);
    const rec = st?.containers.get(container);
    if (!rec?.id || rec.status?.state !== 'running') throw statusError(400, 'BadRequest', `unable to upgrade connection: container not found ("${container}")`);
    return rec.id;
  };
  return {
    async exec(namespace, pod, container, opts: ExecOptions): Promise<StreamSession> {
      if (!k.isPowered) throw statusError(502, 'InternalError', `error dialing backend: dial tcp ${k.nodeName}:10250: connect: no route to host`);
      return k.runtime.exec(running(namespace, pod, container), opts);
    },
    async attach(namespace, pod, container, opts): Promise<StreamSession> {
      if (!k.isPowered) throw statusError(502, 'InternalError', `error dialing backend: dial tcp ${k.nodeName}:10250: connect: no route to host`);
      return k.runtime.attach(running(namespace, pod, container), opts);
    },
    async logs(namespace, pod, container, opts: LogOptions): Promise<Readable> {
      const { st, obj } = find(namespace, pod);
      const status = st && st.containers.size ? k.currentStatus(st) : obj.status;
      const src = containerLogSource(pod, status, container, !!opts.previous);
      if ('error' in src) throw statusError(400, 'BadRequest', src.error);
      const all = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])];
      const cs = all.find((c: any) => c.name === container);
      const rec = st?.containers.get(container);
      const current = rec?.id ? rec.attempt : (cs?.restartCount ?? 0);
      // a container waiting to restart has its last run as "current"
      const waitingAfterRun = !!rec && !!rec.status && rec.status.state === 'exited';
      const attempt = src.source === 'previous' && !waitingAfterRun ? current - 1 : current;
      // follow ends with the run it reads: a previous run has ended already, the current one when it exits
      const id = src.source === 'previous' && !waitingAfterRun ? undefined : rec?.id;
      const containerRunning = async () => {
        const s = id ? await k.runtime.containerStatus(id) : undefined;
        return s?.state === 'running' || s?.state === 'created';
      };
      // a mirror pod's logs are its static pod's, which the kubelet keeps under the static pod's UID
      return readContainerLogs(k.logPath(st?.pod ?? obj, container, Math.max(0, attempt)), { ...opts, containerRunning });
    },
    async nodeShell(session, commandLine) {
      if (!k.isPowered) throw statusError(502, 'InternalError', `error dialing backend: dial tcp ${k.nodeName}:10250: connect: no route to host`);
      let sh = shells.get(session);
      if (!sh) {
        sh = new NodeShell({ nodeName: k.nodeName, kubelet: k, network, etcd }, k.nodeDir);
        shells.set(session, sh);
        // the oldest sessions go first; a shell holds only its variables and working directory
        if (shells.size > MAX_SHELLS) shells.delete(shells.keys().next().value!);
      }
      return sh.run(commandLine);
    },
    async http(path) {
      if (!k.isPowered) throw statusError(502, 'InternalError', `error dialing backend: dial tcp ${k.nodeName}:10250: connect: no route to host`);
      return serveKubeletHttp(k, path, startedAt);
    },
    async portForward(namespace, pod, port): Promise<Duplex> {
      const { st } = find(namespace, pod);
      if (!st?.sandboxId) throw statusError(400, 'BadRequest', `pod ${pod} is not running`);
      try {
        return await k.runtime.portForward(st.sandboxId, port);
      } catch (err) {
        // the CRI streaming server names the sandbox and leaves the uid empty, as kubectl then prints it
        throw new Error(`error forwarding port ${port} to pod ${st.sandboxId}, uid : ${(err as Error).message}`);
      }
    },
  };
}
