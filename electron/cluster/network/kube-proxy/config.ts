// The kube-proxy ConfigMap kubeadm writes into kube-system: students read the proxy mode there (iptables by
// default, ipvs when the cluster config selects it), and the node views follow what it says.
import type { Client, Informer } from '../../client/types';
import { R } from '../../client/resources';
import { StatusError } from '../../api/errors';
import { CLUSTER_CIDR } from '../addresses';

export type ProxyMode = 'iptables' | 'ipvs';

export function kubeProxyConfigMap(mode: ProxyMode): Record<string, unknown> {
  const conf = [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    'bindAddress: 0.0.0.0',
    'bindAddressHardFail: false',
    'clientConnection:',
    '  acceptContentTypes: ""',
    '  burst: 0',
    '  contentType: ""',
    '  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf',
    '  qps: 0',
    `clusterCIDR: ${CLUSTER_CIDR}`,
    'configSyncPeriod: 0s',
    'conntrack:',
    '  maxPerCore: 0',
    '  min: null',
    '  tcpCloseWaitTimeout: null',
    '  tcpEstablishedTimeout: null',
    'detectLocalMode: ""',
    'enableProfiling: false',
    'healthzBindAddress: ""',
    'hostnameOverride: ""',
    'iptables:',
    '  localhostNodePorts: null',
    '  masqueradeAll: false',
    '  masqueradeBit: null',
    '  minSyncPeriod: 1s',
    '  syncPeriod: 0s',
    'ipvs:',
    '  excludeCIDRs: null',
    '  minSyncPeriod: 0s',
    '  scheduler: ""',
    '  strictARP: false',
    '  syncPeriod: 0s',
    '  tcpFinTimeout: 0s',
    '  tcpTimeout: 0s',
    '  udpTimeout: 0s',
    'kind: KubeProxyConfiguration',
    'metricsBindAddress: ""',
    `mode: ${mode}`,
    'nodePortAddresses: null',
    'oomScoreAdj: null',
    'portRange: ""',
    'showHiddenMetricsForAlphaFeatures: false',
    'udpIdleTimeout: 0s',
    'winkernel:',
    '  enableDSR: false',
    '  forwardHealthCheckVip: false',
    '  networkName: ""',
    '  rootHnsEndpointName: ""',
    '  sourceVip: ""',
    '',
  ].join('\n');
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
    data: {
      'config.conf': conf,
      'kubeconfig.conf': [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- cluster:',
        '    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
        '    server: https://kubelab-control-plane:6443',
        '  name: default',
        'contexts:',
        '- context:',
        '    cluster: default',
        '    namespace: default',
        '    user: default',
        '  name: default',
        'current-context: default',
        'users:',
        '- name: default',
        '  user:',
        '    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
        '',
      ].join('\n'),
    },
  };
}

/** writes the ConfigMap once (kubeadm's init phase); a student's later edit is kept */
export async function ensureKubeProxyConfig(client: Client, mode: ProxyMode, log: (line: string) => void): Promise<void> {
  try {
    await client.create(R.configmaps, 'kube-system', kubeProxyConfigMap(mode) as any);
  } catch (e) {
    if (e instanceof StatusError && e.code === 409) return;
    log(`kube-proxy: writing the kube-proxy ConfigMap: ${(e as Error).message}`);
  }
}

/** the mode the ConfigMap selects; an empty or unknown mode means iptables, as on Linux */
export function proxyModeOf(configMaps: Informer): ProxyMode {
  const conf: string = configMaps.getByName('kube-system', 'kube-proxy')?.data?.['config.conf'] ?? '';
  return configuredMode(conf) === 'ipvs' ? 'ipvs' : 'iptables';
}

/** the `mode:` a KubeProxyConfiguration names, as written; empty or absent is iptables */
export function configuredMode(conf: string): string {
  return /^mode:\s*"?([A-Za-z]*)"?\s*$/m.exec(conf)?.[1] || 'iptables';
}
