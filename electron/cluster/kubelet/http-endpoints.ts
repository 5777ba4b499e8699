// The kubelet's read-only HTTP endpoints as the API server reaches them through nodes/NAME/proxy/…: /healthz,
// /pods, /stats/summary, /metrics/resource and /configz, computed from the kubelet's pod states and the runtime's
// container stats (the same samples metrics.k8s.io serves).
import type { Kubelet } from './kubelet';
import type { ContainerStats } from '../runtime/interface';

export interface KubeletHttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

const text = (status: number, body: string): KubeletHttpAnswer => ({ status, contentType: 'text/plain; charset=utf-8', body });
const json = (body: unknown): KubeletHttpAnswer => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });

interface Sample {
  namespace: string;
  pod: string;
  uid: string;
  podStart?: string;
  container: string;
  startedAt?: number;
  stats: ContainerStats;
}

async function samples(k: Kubelet): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const st of k.states.values()) {
    if (st.finalPhase || st.rejected || !st.sandboxId) continue;
    for (const rec of st.containers.values()) {
      if (!rec.id || rec.status?.state !== 'running') continue;
      const stats = await k.runtime.containerStats(rec.id).catch((err: Error) => {
        k.log(`failed to get stats of container ${rec.id}: ${err.message}`);
        return undefined;
      });
      if (stats)
        out.push({
          namespace: st.pod.metadata.namespace!,
          pod: st.pod.metadata.name!,
          uid: st.uid,
          podStart: st.startTime,
          container: rec.name,
          startedAt: rec.status?.startedAt,
          stats,
        });
    }
  }
  return out;
}

/** the node's own share on top of its pods (kubelet, runtime, system daemons), as metrics.ts counts it */
const SYSTEM_CPU_NANO = 40_000_000;
const SYSTEM_MEMORY = 300 * 1024 * 1024;

export async function serveKubeletHttp(k: Kubelet, path: string, startedAt: Date): Promise<KubeletHttpAnswer> {
  const p = path.replace(/\/+$/, '') || '/';
  switch (p) {
    case '/healthz':
      return text(200, 'ok');
    case '/pods': {
      const items = [...k.states.values()]
        .filter((st) => !st.gone)
        .map((st) => ({ ...st.pod, status: st.containers.size ? k.currentStatus(st) : st.pod.status }));
      return json({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
    }
    case '/stats/summary':
      return json(await summary(k, startedAt));
    case '/metrics/resource':
      return { status: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', body: await resourceMetrics(k, startedAt) };
    case '/configz':
      return json({ kubeletconfig: kubeletConfiguration(k) });
    default:
      return text(404, '404 page not found\n');
  }
}

async function summary(k: Kubelet, startedAt: Date) {
  const all = await samples(k);
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const cpu = (nano: number, total: number) => ({ time, usageNanoCores: Math.round(nano), usageCoreNanoSeconds: Math.round(total) });
  const memory = (bytes: number) => ({ time, usageBytes: bytes, workingSetBytes: bytes, rssBytes: bytes, pageFaults: 0, majorPageFaults: 0 });
  const pods = new Map<string, Sample[]>();
  for (const s of all) pods.set(s.uid, [...(pods.get(s.uid) ?? []), s]);
  let nodeNano = SYSTEM_CPU_NANO,
    nodeTotal = 0,
    nodeMem = SYSTEM_MEMORY;
  const podStats = [...pods.values()].map((cs) => {
    const nano = cs.reduce((a, c) => a + c.stats.cpuUsageNanoCores, 0);
    const total = cs.reduce((a, c) => a + c.stats.cpuUsageNanoSeconds, 0);
    const mem = cs.reduce((a, c) => a + c.stats.memoryWorkingSetBytes, 0);
    nodeNano += nano;
    nodeTotal += total;
    nodeMem += mem;
    return {
      podRef: { name: cs[0].pod, namespace: cs[0].namespace, uid: cs[0].uid },
      startTime: cs[0].podStart,
      containers: cs.map((c) => ({
        name: c.container,
        startTime: c.startedAt ? new Date(c.startedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined,
        cpu: cpu(c.stats.cpuUsageNanoCores, c.stats.cpuUsageNanoSeconds),
        memory: memory(c.stats.memoryWorkingSetBytes),
      })),
      cpu: cpu(nano, total),
      memory: memory(mem),
    };
  });
  nodeTotal += SYSTEM_CPU_NANO * ((Date.now() - startedAt.getTime()) / 1000);
  return {
    node: { nodeName: k.nodeName, startTime: startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), cpu: cpu(nodeNano, nodeTotal), memory: memory(nodeMem) },
    pods: podStats,
  };
}

async function resourceMetrics(k: Kubelet, startedAt: Date): Promise<string> {
  const all = await samples(k);
  const ms = Date.now();
  const sec = (ns: number) => String(ns / 1e9);
  const label = (s: Sample, withContainer = true) => `{${withContainer ? `container="${s.container}",` : ''}namespace="${s.namespace}",pod="${s.pod}"}`;
  const lines: string[] = [];
  const family = (name: string, help: string, type: string, rows: string[]) => {
    lines.push(`# HELP ${name} [STABLE] ${help}`, `# TYPE ${name} ${type}`, ...rows);
  };
  family(
    'container_cpu_usage_seconds_total',
    'Cumulative cpu time consumed by the container in core-seconds',
    'counter',
    all.map((s) => `container_cpu_usage_seconds_total${label(s)} ${sec(s.stats.cpuUsageNanoSeconds)} ${ms}`),
  );
  family(
    'container_memory_working_set_bytes',
    'Current working set of the container in bytes',
    'gauge',
    all.map((s) => `container_memory_working_set_bytes${label(s)} ${s.stats.memoryWorkingSetBytes} ${ms}`),
  );
  family(
    'container_start_time_seconds',
    'Start time of the container since unix epoch in seconds',
    'gauge',
    all.filter((s) => s.startedAt).map((s) => `container_start_time_seconds${label(s)} ${s.startedAt! / 1000} ${ms}`),
  );
  const podRows = new Map<string, { s: Sample; cpu: number; mem: number }>();
  for (const s of all) {
    const r = podRows.get(s.uid) ?? { s, cpu: 0, mem: 0 };
    r.cpu += s.stats.cpuUsageNanoSeconds;
    r.mem += s.stats.memoryWorkingSetBytes;
    podRows.set(s.uid, r);
  }
  const nodeCpu = [...podRows.values()].reduce((a, r) => a + r.cpu, 0) + SYSTEM_CPU_NANO * ((ms - startedAt.getTime()) / 1000);
  const nodeMem = [...podRows.values()].reduce((a, r) => a + r.mem, 0) + SYSTEM_MEMORY;
  family('node_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the node in core-seconds', 'counter', [
    `node_cpu_usage_seconds_total ${sec(nodeCpu)} ${ms}`,
  ]);
  family('node_memory_working_set_bytes', 'Current working set of the node in bytes', 'gauge', [`node_memory_working_set_bytes ${nodeMem} ${ms}`]);
  family(
    'pod_cpu_usage_seconds_total',
    'Cumulative cpu time consumed by the pod in core-seconds',
    'counter',
    [...podRows.values()].map((r) => `pod_cpu_usage_seconds_total${label(r.s, false)} ${sec(r.cpu)} ${ms}`),
  );
  family(
    'pod_memory_working_set_bytes',
    'Current working set of the pod in bytes',
    'gauge',
    [...podRows.values()].map((r) => `pod_memory_working_set_bytes${label(r.s, false)} ${r.mem} ${ms}`),
  );
  family('resource_scrape_error', '1 if there was an error while getting container metrics, 0 otherwise', 'gauge', ['resource_scrape_error 0']);
  return lines.join('\n') + '\n';
}

/** the kubelet's configuration as kubeadm writes it for a kind node, with the timings this kubelet really uses */
export function kubeletConfiguration(k: Kubelet) {
  const s = k.settings;
  const dur = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000}m0s` : `${ms / 1000}s`);
  return {
    enableServer: true,
    staticPodPath: '/etc/kubernetes/manifests',
    podLogsDir: '/var/log/pods',
    syncFrequency: '1m0s',
    fileCheckFrequency: '20s',
    httpCheckFrequency: '20s',
    address: '0.0.0.0',
    port: 10250,
    authentication: { x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' }, webhook: { enabled: true, cacheTTL: '2m0s' }, anonymous: { enabled: false } },
    authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '5m0s', cacheUnauthorizedTTL: '30s' } },
    healthzPort: 10248,
    healthzBindAddress: '127.0.0.1',
    clusterDomain: 'cluster.local',
    clusterDNS: ['10.96.0.10'],
    nodeStatusUpdateFrequency: dur(s.heartbeatMs),
    nodeStatusReportFrequency: '5m0s',
    imageMinimumGCAge: '2m0s',
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 80,
    volumeStatsAggPeriod: '1m0s',
    cgroupDriver: 'systemd',
    cpuManagerPolicy: 'none',
    runtimeRequestTimeout: dur(s.runtimeTimeoutMs),
    hairpinMode: 'promiscuous-bridge',
    maxPods: 110,
    podPidsLimit: -1,
    resolvConf: '/etc/resolv.conf',
    containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock',
    evictionHard: { 'imagefs.available': '0%', 'nodefs.available': '0%', 'nodefs.inodesFree': '0%' },
    failSwapOn: false,
    containerLogMaxSize: '10Mi',
    containerLogMaxFiles: 5,
    rotateCertificates: true,
  };
}
