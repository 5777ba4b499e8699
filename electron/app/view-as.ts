// "View as" for the cluster view: the same lists, fetched over HTTPS with the admin's credentials and impersonation
// headers, so the API server authorizes each one as the chosen subject. What it refuses is reported with its own
// Forbidden message, and a SelfSubjectRulesReview per namespace finds where a RoleBinding still allows the list.
import { readKubeconfig } from '../lab-engine/kubeconfig';
import { ApiError, KubeClient } from '../lab-engine/kube-client';
import type { ViewAsForbidden, ViewAsResult, ViewAsSubject } from './ipc-contract';
import { eventView, nodeView, podView, serviceView } from './pod-status';

type Obj = any;
interface ListSpec {
  resource: ViewAsForbidden['resource'] | 'endpointslices';
  group: string;
  base: string;
  namespaced: boolean;
}
const LISTS: ListSpec[] = [
  { resource: 'nodes', group: '', base: '/api/v1', namespaced: false },
  { resource: 'pods', group: '', base: '/api/v1', namespaced: true },
  { resource: 'services', group: '', base: '/api/v1', namespaced: true },
  { resource: 'events', group: '', base: '/api/v1', namespaced: true },
  { resource: 'endpointslices', group: 'discovery.k8s.io', base: '/apis/discovery.k8s.io/v1', namespaced: true },
];
/** impersonation needs a user; a group on its own is viewed as this otherwise unknown user in that group */
export const GROUP_VIEWER = 'kubelab:view-as';

function identity(s: ViewAsSubject): { user: string; groups: string[] } {
  if (s.kind === 'ServiceAccount') return { user: `system:serviceaccount:${s.namespace}:${s.name}`, groups: [] };
  if (s.kind === 'Group') return { user: GROUP_VIEWER, groups: [s.name] };
  return { user: s.name, groups: s.groups ?? [] };
}

/** does a SelfSubjectRulesReview's resource rule allow listing this resource? */
function rulesAllowList(rules: Obj[], l: ListSpec): boolean {
  const has = (xs: string[] | undefined, x: string) => !!xs && (xs.includes('*') || xs.includes(x));
  return rules.some((r) => has(r.verbs, 'list') && has(r.apiGroups, l.group) && has(r.resources, l.resource));
}

export async function viewAs(kubeconfigPath: string, subject: ViewAsSubject): Promise<ViewAsResult> {
  const creds = readKubeconfig(kubeconfigPath);
  const who = identity(subject);
  const admin = new KubeClient(creds);
  const as = new KubeClient(creds, { 'Impersonate-User': who.user, ...(who.groups.length ? { 'Impersonate-Group': who.groups } : {}) });
  try {
    const namespaces: string[] = ((await admin.json('GET', '/api/v1/namespaces')).items ?? []).map((n: Obj) => n.metadata.name);
    // the identity the API server built: a ServiceAccount gets its groups, everyone system:authenticated
    const review = await as.json('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    const rulesIn = new Map<string, Promise<Obj[]>>();
    const rules = (ns: string) => {
      let p = rulesIn.get(ns);
      if (!p) {
        p = as
          .json('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectRulesReview',
            spec: { namespace: ns },
          })
          .then((r) => r.status?.resourceRules ?? []);
        rulesIn.set(ns, p);
      }
      return p;
    };
    const forbidden: ViewAsForbidden[] = [];
    const lists = await Promise.all(
      LISTS.map(async (l): Promise<Obj[]> => {
        const r = await as.request('GET', `${l.base}/${l.resource}`);
        if (r.status < 400) return r.body.items ?? [];
        if (r.status !== 403)
          throw Object.assign(new Error(`listing ${l.resource} as ${who.user}: ${r.body?.message ?? `HTTP ${r.status}`}`), { code: r.status });
        const allowedIn = l.namespaced ? (await Promise.all(namespaces.map(async (ns) => (rulesAllowList(await rules(ns), l) ? ns : '')))).filter(Boolean) : [];
        // the endpoints only fill in the services' rows; they are not a list of their own in the view
        if (l.resource !== 'endpointslices') forbidden.push({ resource: l.resource, message: String(r.body?.message ?? 'forbidden'), allowedIn });
        const parts = await Promise.all(
          allowedIn.map(async (ns) => {
            const got = await as.request('GET', `${l.base}/namespaces/${encodeURIComponent(ns)}/${l.resource}`);
            return got.status < 400 ? (got.body.items ?? []) : [];
          }),
        );
        return parts.flat();
      }),
    );
    const [nodes, pods, services, events, slices] = lists;
    const byName = (a: Obj, b: Obj) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
    return {
      user: review.status?.userInfo?.username ?? who.user,
      groups: review.status?.userInfo?.groups ?? who.groups,
      forbidden,
      snapshot: {
        nodes: nodes.sort(byName).map(nodeView),
        pods: pods.sort(byName).map(podView),
        events: events.map(eventView).sort((a, b) => b.time.localeCompare(a.time)),
        services: services.sort(byName).map((s) =>
          serviceView(
            s,
            slices.filter((sl) => sl.metadata.namespace === s.metadata.namespace && sl.metadata.labels?.['kubernetes.io/service-name'] === s.metadata.name),
          ),
        ),
        storage: { claims: [], volumes: [], classes: [], snapshots: [] },
      },
    };
  } catch (e) {
    // the API server's refusal of the impersonation itself (an unknown subject is fine; a malformed one is not) keeps its status
    if (e instanceof ApiError) throw Object.assign(new Error(e.message), { code: e.status });
    throw e;
  } finally {
    admin.close();
    as.close();
  }
}
