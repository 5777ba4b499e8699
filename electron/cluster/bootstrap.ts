// Objects every cluster starts with: the four system namespaces, the kubernetes Service and its endpoints,
// the built-in PriorityClasses, the cluster DNS add-on. Idempotent: runs on every start, creating only what is missing.
import type { Client } from './client/types';
import { R } from './client/resources';
import type { KObject } from './api/types';
import { StatusError } from './api/errors';
import { clusterDnsObjects } from './network/dns/manifests';
import { kubeProxyObjects } from './network/kube-proxy/manifests';
import { ingressNginxObjects } from './network/ingress/manifests';

async function ensure(client: Client, r: (typeof R)[keyof typeof R], ns: string | undefined, obj: KObject): Promise<void> {
  try {
    await client.create(r, ns, obj);
  } catch (err) {
    if (err instanceof StatusError && err.code === 409) return;
    throw err;
  }
}

export async function bootstrapCluster(client: Client, opts: { apiPort: number }): Promise<void> {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    await ensure(client, R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  await ensure(client, R.services, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None' },
  });
  const endpoints: KObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: '172.18.0.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
  };
  await ensure(client, R.endpoints, 'default', endpoints);
  await ensure(client, R.endpointslices, 'default', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['172.18.0.2'], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  });
  void opts;
  // the DNS add-on kubeadm installs; a Service already holding 10.96.0.10 (a data dir from before it existed) wins
  for (const { resource, namespace, object } of kubeProxyObjects()) await ensure(client, R[resource], namespace, object);
  for (const { resource, namespace, object } of clusterDnsObjects()) {
    try {
      await ensure(client, R[resource], namespace, object);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 422)) throw err;
    }
  }
  // the ingress controller kind's ingress guide installs (ingress-nginx), with its IngressClass as the default
  for (const { resource, namespace, object } of ingressNginxObjects()) await ensure(client, R[resource], namespace, object);
  for (const [name, value, description] of [
    ['system-node-critical', 2000001000, 'Used for system critical pods that must not be moved from their current node.'],
    ['system-cluster-critical', 2000000000, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'],
  ] as const) {
    await ensure(client, R.priorityclasses, undefined, {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name },
      value,
      description,
      preemptionPolicy: 'PreemptLowerPriority',
      globalDefault: false,
    });
  }
}
