// Discovery documents: legacy per-group-version lists and the aggregated v2 form kubectl 1.30+ asks for first.
import { createHash } from 'node:crypto';
import type { Catalog, ResourceEntry } from './catalog';

function storageVersionHash(e: ResourceEntry): string {
  return createHash('sha256').update(`${e.storageGroup}/${e.storageVersion}/${e.kind}`).digest('base64').slice(0, 11);
}

function apiResource(e: ResourceEntry): Record<string, unknown> {
  const r: Record<string, unknown> = {
    name: e.resource,
    singularName: e.singular,
    namespaced: e.namespaced,
    kind: e.kind,
    verbs: e.verbs,
  };
  if (e.shortNames.length) r.shortNames = e.shortNames;
  if (e.categories.length) r.categories = e.categories;
  if (!e.virtual) r.storageVersionHash = storageVersionHash(e);
  return r;
}

const SUB_VERBS: Record<string, { verbs: string[]; kind?: string; group?: string; version?: string }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  scale: { verbs: ['get', 'patch', 'update'], kind: 'Scale', group: 'autoscaling', version: 'v1' },
  binding: { verbs: ['create'], kind: 'Binding' },
  eviction: { verbs: ['create'], kind: 'Eviction', group: 'policy', version: 'v1' },
  exec: { verbs: ['create', 'get'], kind: 'PodExecOptions' },
  attach: { verbs: ['create', 'get'], kind: 'PodAttachOptions' },
  log: { verbs: ['get'], kind: 'Pod' },
  portforward: { verbs: ['create', 'get'], kind: 'PodPortForwardOptions' },
  proxy: { verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: 'PodProxyOptions' },
  ephemeralcontainers: { verbs: ['get', 'patch', 'update'] },
  token: { verbs: ['create'], kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1' },
  approval: { verbs: ['get', 'patch', 'update'] },
  finalize: { verbs: ['update'] },
  resize: { verbs: ['get', 'patch', 'update'] },
};

function subresourceEntry(e: ResourceEntry, sub: string): Record<string, unknown> {
  const s = SUB_VERBS[sub] ?? { verbs: ['get'] };
  const r: Record<string, unknown> = { name: `${e.resource}/${sub}`, singularName: '', namespaced: e.namespaced, kind: s.kind ?? e.kind, verbs: s.verbs };
  if (s.group) {
    r.group = s.group;
    r.version = s.version;
  }
  return r;
}

export function apiResourceList(catalog: Catalog, group: string, version: string): Record<string, unknown> | undefined {
  const es = catalog.resourcesOf(group, version);
  if (!es.length) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const e of es) {
    resources.push(apiResource(e));
    for (const s of e.subresources) resources.push(subresourceEntry(e, s));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

export function apiVersions(address: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }] };
}

function apiGroup(g: { name: string; versions: string[]; preferred: string }): Record<string, unknown> {
  return {
    name: g.name,
    versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${g.name}/${g.preferred}`, version: g.preferred },
  };
}

export function apiGroupList(catalog: Catalog): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: catalog
      .groups()
      .filter((g) => g.name !== '')
      .map(apiGroup),
  };
}

export function apiGroupDoc(catalog: Catalog, name: string): Record<string, unknown> | undefined {
  const g = catalog.groups().find((x) => x.name === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

/** apidiscovery.k8s.io APIGroupDiscoveryList for /api (core only) or /apis (all named groups) */
export function aggregatedDiscovery(catalog: Catalog, legacy: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
  const groups = catalog.groups().filter((g) => (legacy ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: catalog.resourcesOf(g.name, v).map((e) => {
          const r: Record<string, unknown> = {
            resource: e.resource,
            responseKind: { group: e.group, version: e.version, kind: e.kind },
            scope: e.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: e.singular,
            verbs: e.verbs,
          };
          if (e.shortNames.length) r.shortNames = e.shortNames;
          if (e.categories.length) r.categories = e.categories;
          if (e.subresources.length) {
            r.subresources = e.subresources.map((s) => {
              const sv = SUB_VERBS[s] ?? { verbs: ['get'] };
              return {
                subresource: s,
                responseKind: { group: sv.group ?? e.group, version: sv.version ?? e.version, kind: sv.kind ?? e.kind },
                verbs: sv.verbs,
              };
            });
          }
          return r;
        }),
        freshness: 'Current',
      })),
    })),
  };
}

export function discoveryContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
