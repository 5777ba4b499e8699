// Valid starting objects for the fuzzer, one per kind: hand-written for the kinds labs use most, and for the
// rest the smallest object the schema allows (apiVersion, kind, metadata), which mutations then break further.
import type { ResourceEntry } from '../../electron/cluster/apiserver/catalog';
import type { KObject } from '../../electron/cluster/api/types';

const labels = { app: 'fuzz' };
const podSpec = () => ({
  restartPolicy: 'Never',
  containers: [
    {
      name: 'c',
      image: 'busybox:1.36',
      command: ['sleep', '1'],
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      env: [{ name: 'A', value: 'b' }],
      resources: { requests: { cpu: '10m', memory: '16Mi' } },
    },
  ],
});

const SPECS: Record<string, (name: string) => Record<string, unknown>> = {
  Pod: () => ({ spec: podSpec() }),
  Deployment: () => ({
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { ...podSpec(), restartPolicy: 'Always' } } },
  }),
  ReplicaSet: () => ({
    spec: { replicas: 0, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { ...podSpec(), restartPolicy: 'Always' } } },
  }),
  StatefulSet: () => ({
    spec: {
      replicas: 0,
      serviceName: 's',
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { ...podSpec(), restartPolicy: 'Always' } },
    },
  }),
  DaemonSet: () => ({
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { ...podSpec(), restartPolicy: 'Always', nodeSelector: { none: 'x' } } },
    },
  }),
  Job: () => ({ spec: { backoffLimit: 0, template: { spec: podSpec() } } }),
  CronJob: () => ({ spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: podSpec() } } } } }),
  Service: () => ({ spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } }),
  ConfigMap: () => ({ data: { key: 'value', 'other.txt': 'x' } }),
  Secret: () => ({ type: 'Opaque', data: { key: 'dmFsdWU=' }, stringData: { s: 't' } }),
  Role: () => ({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }),
  ClusterRole: () => ({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }),
  RoleBinding: () => ({
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [{ kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' }],
  }),
  ServiceAccount: () => ({}),
  Namespace: () => ({}),
  PersistentVolumeClaim: () => ({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }),
  Ingress: () => ({
    spec: {
      rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }],
    },
  }),
  NetworkPolicy: () => ({ spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'] } }),
  HorizontalPodAutoscaler: () => ({ spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 3 } }),
  PodDisruptionBudget: () => ({ spec: { minAvailable: 1, selector: { matchLabels: labels } } }),
  ResourceQuota: () => ({ spec: { hard: { pods: '100' } } }),
  LimitRange: () => ({ spec: { limits: [{ type: 'Container', default: { cpu: '100m' } }] } }),
  Website: () => ({ spec: { domain: 'example.com', replicas: 1 } }),
};

export function seedObject(e: ResourceEntry, name: string): KObject {
  const apiVersion = e.group ? `${e.group}/${e.version}` : e.version;
  const extra = SPECS[e.kind]?.(name) ?? {};
  return { apiVersion, kind: e.kind, metadata: { name, labels: { fuzz: 'seed' } }, ...extra } as KObject;
}
