/**
 * ingress-nginx as its kind deploy installs it (deploy/static/provider/kind: hostPort 80/443, a NodePort Service,
 * --watch-ingress-without-class, --publish-status-address=localhost), with upstream's names and labels: namespace
 * ingress-nginx, ServiceAccount/Role/ClusterRole/bindings `ingress-nginx`, ConfigMap, Service and Deployment
 * `ingress-nginx-controller`, and the IngressClass `nginx`, here marked as the cluster's default. Left out: the
 * validating admission webhook and its certificate jobs (the API server calls no webhooks).
 */
import type { KObject } from '../../api/types';
import { INGRESS_NGINX_IMAGE, INGRESS_NGINX_VERSION } from './program';
import { DEFAULT_CLASS_ANNOTATION } from './classes';
import type { EntryPoint } from '../host-access';

export const INGRESS_NAMESPACE = 'ingress-nginx';
export const CONTROLLER_SERVICE = 'ingress-nginx-controller';

const base = { 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/name': 'ingress-nginx' };
const labels = { ...base, 'app.kubernetes.io/part-of': 'ingress-nginx', 'app.kubernetes.io/version': INGRESS_NGINX_VERSION.slice(1) };
const controllerLabels = { 'app.kubernetes.io/component': 'controller', ...labels };
const selector = { 'app.kubernetes.io/component': 'controller', ...base };
const ns = INGRESS_NAMESPACE;

type Resource =
  | 'namespaces'
  | 'serviceaccounts'
  | 'roles'
  | 'clusterroles'
  | 'rolebindings'
  | 'clusterrolebindings'
  | 'configmaps'
  | 'services'
  | 'deployments'
  | 'ingressclasses';

const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]) => ({
  apiGroups,
  resources,
  verbs,
  ...(resourceNames ? { resourceNames } : {}),
});
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', roleKind: 'Role' | 'ClusterRole'): KObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name: 'ingress-nginx', ...(kind === 'RoleBinding' ? { namespace: ns } : {}), labels },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: 'ingress-nginx' },
  subjects: [{ kind: 'ServiceAccount', name: 'ingress-nginx', namespace: ns }],
});

/** the controller's HTTP and HTTPS on the student's machine, as kind's extraPortMappings 80/443 give them */
export const INGRESS_ENTRY_POINTS: EntryPoint[] = [
  { service: `${INGRESS_NAMESPACE}/${CONTROLLER_SERVICE}`, port: 80, scheme: 'http', preferred: [80, 8080] },
  { service: `${INGRESS_NAMESPACE}/${CONTROLLER_SERVICE}`, port: 443, scheme: 'https', preferred: [443, 8443] },
];

export function ingressNginxObjects(): { resource: Resource; namespace?: string; object: KObject }[] {
  return [
    { resource: 'namespaces', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: base } } },
    {
      resource: 'serviceaccounts',
      namespace: ns,
      object: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'ingress-nginx', namespace: ns, labels: controllerLabels },
        automountServiceAccountToken: true,
      },
    },
    {
      resource: 'roles',
      namespace: ns,
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'ingress-nginx', namespace: ns, labels: controllerLabels },
        rules: [
          rule([''], ['namespaces'], ['get']),
          rule([''], ['configmaps', 'pods', 'secrets', 'endpoints'], ['get', 'list', 'watch']),
          rule([''], ['services'], ['get', 'list', 'watch']),
          rule(['networking.k8s.io'], ['ingresses'], ['get', 'list', 'watch']),
          rule(['networking.k8s.io'], ['ingresses/status'], ['update']),
          rule(['networking.k8s.io'], ['ingressclasses'], ['get', 'list', 'watch']),
          rule(['coordination.k8s.io'], ['leases'], ['get', 'update'], ['ingress-nginx-leader']),
          rule(['coordination.k8s.io'], ['leases'], ['create']),
          rule([''], ['events'], ['create', 'patch']),
          rule(['discovery.k8s.io'], ['endpointslices'], ['list', 'watch', 'get']),
        ],
      },
    },
    {
      resource: 'clusterroles',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'ingress-nginx', labels },
        rules: [
          rule([''], ['configmaps', 'endpoints', 'nodes', 'pods', 'secrets', 'namespaces'], ['list', 'watch']),
          rule(['coordination.k8s.io'], ['leases'], ['list', 'watch']),
          rule([''], ['nodes'], ['get']),
          rule([''], ['services'], ['get', 'list', 'watch']),
          rule(['networking.k8s.io'], ['ingresses'], ['get', 'list', 'watch']),
          rule([''], ['events'], ['create', 'patch']),
          rule(['networking.k8s.io'], ['ingresses/status'], ['update']),
          rule(['networking.k8s.io'], ['ingressclasses'], ['get', 'list', 'watch']),
          rule(['discovery.k8s.io'], ['endpointslices'], ['list', 'watch', 'get']),
        ],
      },
    },
    { resource: 'rolebindings', namespace: ns, object: binding('RoleBinding', 'Role') },
    { resource: 'clusterrolebindings', object: binding('ClusterRoleBinding', 'ClusterRole') },
    {
      resource: 'configmaps',
      namespace: ns,
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'ingress-nginx-controller', namespace: ns, labels: controllerLabels },
        data: { 'allow-snippet-annotations': 'false' },
      },
    },
    {
      resource: 'services',
      namespace: ns,
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: CONTROLLER_SERVICE, namespace: ns, labels: controllerLabels },
        spec: {
          type: 'NodePort',
          ipFamilyPolicy: 'SingleStack',
          ipFamilies: ['IPv4'],
          ports: [
            { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', appProtocol: 'http' },
            { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', appProtocol: 'https' },
          ],
          selector,
        },
      },
    },
    {
      resource: 'deployments',
      namespace: ns,
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'ingress-nginx-controller', namespace: ns, labels: controllerLabels },
        spec: {
          minReadySeconds: 0,
          revisionHistoryLimit: 10,
          selector: { matchLabels: selector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: { labels: controllerLabels },
            spec: {
              containers: [
                {
                  name: 'controller',
                  image: `${INGRESS_NGINX_IMAGE}:${INGRESS_NGINX_VERSION}`,
                  imagePullPolicy: 'IfNotPresent',
                  args: [
                    '/nginx-ingress-controller',
                    '--election-id=ingress-nginx-leader',
                    '--controller-class=k8s.io/ingress-nginx',
                    '--ingress-class=nginx',
                    '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller',
                    '--watch-ingress-without-class=true',
                    '--enable-metrics=false',
                    '--publish-status-address=localhost',
                  ],
                  env: [
                    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                    { name: 'LD_PRELOAD', value: '/usr/local/lib/libmimalloc.so' },
                  ],
                  lifecycle: { preStop: { exec: { command: ['/wait-shutdown'] } } },
                  livenessProbe: {
                    failureThreshold: 5,
                    httpGet: { path: '/healthz', port: 10254, scheme: 'HTTP' },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                    successThreshold: 1,
                    timeoutSeconds: 1,
                  },
                  readinessProbe: {
                    failureThreshold: 3,
                    httpGet: { path: '/healthz', port: 10254, scheme: 'HTTP' },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                    successThreshold: 1,
                    timeoutSeconds: 1,
                  },
                  ports: [
                    { containerPort: 80, hostPort: 80, name: 'http', protocol: 'TCP' },
                    { containerPort: 443, hostPort: 443, name: 'https', protocol: 'TCP' },
                  ],
                  resources: { requests: { cpu: '100m', memory: '90Mi' } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
                    readOnlyRootFilesystem: false,
                    runAsGroup: 82,
                    runAsNonRoot: true,
                    runAsUser: 101,
                    seccompProfile: { type: 'RuntimeDefault' },
                  },
                },
              ],
              dnsPolicy: 'ClusterFirst',
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              serviceAccountName: 'ingress-nginx',
              terminationGracePeriodSeconds: 0,
            },
          },
        },
      },
    },
    {
      resource: 'ingressclasses',
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'nginx', labels: controllerLabels, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
        spec: { controller: 'k8s.io/ingress-nginx' },
      },
    },
  ];
}
