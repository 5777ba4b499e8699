// Which resources the API server serves: built-in kinds plus CRDs, keyed by group/version/resource.
import type { KindStrategy, TableSpec } from '../api/kind';
import { splitApiVersion, type KObject } from '../api/types';

export interface ResourceEntry {
  group: string;
  version: string;
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: string[];
  strategy: KindStrategy;
  /** store key prefix without trailing slash, e.g. /registry/deployments */
  prefix: string;
  /** the version objects are stored in (same as version unless served through a conversion) */
  storageVersion: string;
  storageGroup: string;
  toStorage?: (o: KObject) => KObject;
  fromStorage?: (o: KObject) => KObject;
  table?: TableSpec;
  /** set for custom resources */
  crd?: KObject;
  virtual: boolean;
}

const FULL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** etcd key prefixes where upstream does not use the plain resource name */
const UPSTREAM_PREFIX: Record<string, string> = {
  '/services': 'services/specs',
  '/endpoints': 'services/endpoints',
  '/nodes': 'minions',
  'networking.k8s.io/ingresses': 'ingress',
  'apiextensions.k8s.io/customresourcedefinitions': 'apiextensions.k8s.io/customresourcedefinitions',
  'coordination.k8s.io/leases': 'leases',
};

export function entryFromStrategy(s: KindStrategy): ResourceEntry[] {
  const i = s.info;
  const verbs = i.verbs ?? (i.virtual ? ['create'] : FULL_VERBS);
  const sub: string[] = [];
  if (i.subresources?.status) sub.push('status');
  if (i.subresources?.scale) sub.push('scale');
  for (const o of i.subresources?.other ?? []) sub.push(o);
  const prefix = '/registry/' + (UPSTREAM_PREFIX[`${i.group}/${i.resource}`] ?? i.storagePrefix ?? i.resource);
  const base: ResourceEntry = {
    group: i.group,
    version: i.version,
    resource: i.resource,
    kind: i.kind,
    listKind: i.listKind ?? `${i.kind}List`,
    singular: i.singular,
    namespaced: i.namespaced,
    shortNames: i.shortNames ?? [],
    categories: i.categories ?? [],
    verbs,
    subresources: sub,
    strategy: s,
    prefix,
    storageVersion: i.version,
    storageGroup: i.group,
    table: s.table,
    virtual: !!i.virtual,
  };
  const out = [base];
  for (const alt of s.alsoServed ?? []) {
    out.push({
      ...base,
      group: alt.group ?? i.group,
      version: alt.version,
      kind: alt.kind ?? i.kind,
      listKind: `${alt.kind ?? i.kind}List`,
      toStorage: alt.toStorage,
      fromStorage: alt.fromStorage,
      table: alt.table ?? s.table,
    });
  }
  return out;
}

export class Catalog {
  private byGVR = new Map<string, ResourceEntry>();
  private listeners: (() => void)[] = [];
  /** bumps on every change so discovery/OpenAPI caches know to rebuild */
  generation = 0;

  constructor(strategies: KindStrategy[]) {
    for (const s of strategies) for (const e of entryFromStrategy(s)) this.add(e, false);
  }

  add(e: ResourceEntry, notify = true): void {
    this.byGVR.set(`${e.group}/${e.version}/${e.resource}`, e);
    if (notify) this.changed();
  }
  remove(group: string, version: string, resource: string): void {
    if (this.byGVR.delete(`${group}/${version}/${resource}`)) this.changed();
  }
  private changed(): void {
    this.generation++;
    for (const l of this.listeners) l();
  }
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  get(group: string, version: string, resource: string): ResourceEntry | undefined {
    return this.byGVR.get(`${group}/${version}/${resource}`);
  }
  all(): ResourceEntry[] {
    return [...this.byGVR.values()];
  }

  /** groups in upstream's discovery order: core first, then built-ins in a fixed order, then CRD groups by name */
  groups(): { name: string; versions: string[]; preferred: string }[] {
    const m = new Map<string, Set<string>>();
    for (const e of this.byGVR.values()) {
      if (!m.has(e.group)) m.set(e.group, new Set());
      m.get(e.group)!.add(e.version);
    }
    const out: { name: string; versions: string[]; preferred: string }[] = [];
    for (const [name, vs] of m) {
      const versions = [...vs].sort(compareVersions);
      out.push({ name, versions, preferred: versions[0] });
    }
    const rank = (g: string) => {
      const i = GROUP_ORDER.indexOf(g);
      return i < 0 ? 1000 : i;
    };
    return out.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  }

  /** entries of one group/version in a stable order */
  resourcesOf(group: string, version: string): ResourceEntry[] {
    return this.all()
      .filter((e) => e.group === group && e.version === version)
      .sort((a, b) => a.resource.localeCompare(b.resource));
  }

  /** storage-level entry (for GC, namespace cleanup): one per stored prefix */
  storageEntries(): ResourceEntry[] {
    const seen = new Map<string, ResourceEntry>();
    for (const e of this.byGVR.values()) if (!e.virtual && !e.toStorage && !seen.has(e.prefix)) seen.set(e.prefix, e);
    return [...seen.values()];
  }

  /** the entry serving a kind at an apiVersion, falling back to any served version of its group (owner references,
   *  scale targets and quota counts name kinds, not resources) */
  forKind(apiVersion: string, kind: string): ResourceEntry | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    const all = this.all();
    return all.find((x) => x.group === group && x.kind === kind && x.version === version) ?? all.find((x) => x.group === group && x.kind === kind);
  }

  /** the entry of a resource in its group's preferred version */
  preferred(group: string, resource: string): ResourceEntry | undefined {
    const v = this.groups().find((g) => g.name === group)?.preferred;
    return this.all().find((x) => x.group === group && x.resource === resource && (x.version === v || !v));
  }
}

const GROUP_ORDER = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
  'snapshot.storage.k8s.io',
  'metrics.k8s.io',
];

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return { ok: false, major: 0, stage: 0, minor: 0 };
    return { ok: true, major: +m[1], stage: m[2] === 'alpha' ? 1 : m[2] === 'beta' ? 2 : 3, minor: m[3] ? +m[3] : 0 };
  };
  const x = parse(a),
    y = parse(b);
  if (x.ok !== y.ok) return x.ok ? -1 : 1;
  if (!x.ok) return a.localeCompare(b);
  if (x.stage !== y.stage) return y.stage - x.stage;
  if (x.major !== y.major) return y.major - x.major;
  return y.minor - x.minor;
}
