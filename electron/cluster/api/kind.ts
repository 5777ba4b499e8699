// The behaviour of one resource kind: the TypeScript counterpart of an upstream registry "strategy".
// One file per kind under kinds/<group>/ exports a KindStrategy; kinds/index.ts lists them all.
import type { FieldError } from './errors';
import type { KObject } from './types';

export interface KindInfo {
  group: string; // '' for core
  version: string; // served (and storage) version, e.g. 'v1'
  kind: string; // 'Deployment'
  listKind?: string; // defaults to kind + 'List'
  resource: string; // plural, 'deployments'
  singular: string; // 'deployment'
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[]; // e.g. ['all']
  /** verbs as discovery lists them; defaults to the full CRUD set */
  verbs?: string[];
  /** subresources served besides the main resource */
  subresources?: {
    status?: boolean;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
    /** other named subresources handled by the API server itself: binding, eviction, exec, log, attach, portforward, proxy, approval, token */
    other?: string[];
  };
  /** key prefix in the store below /registry, as upstream lays out etcd (e.g. 'deployments', 'apiextensions.k8s.io/customresourcedefinitions') */
  storagePrefix?: string;
  /** create-only "virtual" kinds (reviews) that are answered, never stored */
  virtual?: boolean;
  /**
   * a deprecated-but-served API (upstream's prerelease-lifecycle "deprecated" tag): every request on it is answered
   * with a `Warning` header, e.g. "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
   */
  deprecated?: { since: string; replacement?: string };
}

/** Server-side printing columns, served as meta.k8s.io/v1 Table to kubectl. */
export interface TableColumn {
  name: string; // 'Name', 'Ready', 'Status', ...
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string; // 'name' for the Name column
  description?: string;
  /** 0 = default view, 1 = only with -o wide */
  priority: number;
}
export interface TableSpec {
  columns: TableColumn[];
  /** one cell per column; dates as RFC3339 strings or ages already formatted as upstream does (e.g. '5m') */
  row(obj: KObject, now: Date): unknown[];
}

export interface ValidationContext {
  /** 'create' | 'update' */
  operation: 'create' | 'update';
  /** the API server's view of other objects, for validation that needs them (rare) */
  now: Date;
}

export interface KindStrategy {
  info: KindInfo;
  /** Fill upstream's defaults in place (SetDefaults_* and defaults applied by the API server). */
  defaults?(obj: KObject): void;
  /** Called on create before validation: clear status, set generation, etc. (PrepareForCreate) */
  prepareForCreate?(obj: KObject): void;
  /** Called on update of the main resource: keep old status, bump generation when spec changes (PrepareForUpdate). */
  prepareForUpdate?(obj: KObject, old: KObject): void;
  /** Called on update of the status subresource: keep old spec/metadata except what status may change. */
  prepareForStatusUpdate?(obj: KObject, old: KObject): void;
  /** other writable subresources (CertificateSigningRequest approval): what an update of that subresource may change, and its checks */
  subresourceUpdate?: Record<string, { prepare(obj: KObject, old: KObject): void; validate(obj: KObject, old: KObject): FieldError[] }>;
  /** ValidateCreate: field errors with upstream's paths and messages. Metadata (name format, labels) is checked generically. */
  validate?(obj: KObject, ctx: ValidationContext): FieldError[];
  /** ValidateUpdate: immutability and transitions; `validate` is also run on the new object. */
  validateUpdate?(obj: KObject, old: KObject, ctx: ValidationContext): FieldError[];
  validateStatusUpdate?(obj: KObject, old: KObject, ctx: ValidationContext): FieldError[];
  /** Name validation differs per kind (DNS-1123 subdomain by default; label for namespaces/services; path segment for RBAC). */
  nameValidation?: 'subdomain' | 'label' | 'path-segment' | 'none' | ((name: string) => string[]);
  /** Server-side table columns (kubectl get). */
  table?: TableSpec;
  /** Field selectors beyond metadata.name/metadata.namespace, e.g. pods: spec.nodeName, status.phase. */
  fieldSelectors?: Record<string, (obj: KObject) => string | undefined>;
  /**
   * Whether the default prepare hooks (kinds without their own prepareForCreate/prepareForUpdate) set
   * metadata.generation to 1 and count spec changes; defaults to whether the kind has a status subresource.
   */
  tracksGeneration?: boolean;
  /** PUT on a missing object creates it (upstream's AllowCreateOnUpdate: endpoints, leases, events, endpointslices). */
  allowCreateOnUpdate?: boolean;
  /** DELETE answers with the object rather than a Status (upstream's ReturnDeletedObject); a pending deletion always does. */
  returnDeletedObject?: boolean;
  /**
   * Upstream's CheckGracefulDelete: the grace period in seconds a deletion waits with deletionTimestamp set before
   * the object goes (pods, which their kubelet stops first); 0 removes it at once.
   */
  checkGracefulDelete?(obj: KObject, opts: { gracePeriodSeconds?: number }): number;
  /**
   * A deletion that waits on more than metadata.finalizers and the grace period (a namespace on spec.finalizers):
   * marks the object being deleted (phase Terminating) and says whether it must wait.
   */
  beginDeletion?(obj: KObject): boolean;
  /** Once metadata.finalizers are gone, whether a pending deletion may complete (no spec.finalizers, grace period over). */
  readyToDelete?(obj: KObject): boolean;
  /**
   * Other versions served for the same stored objects (autoscaling/v1 beside v2, events.k8s.io/v1 beside core v1 Event).
   * The stored form is `info.version`'s; toStorage/fromStorage convert whole objects including apiVersion.
   */
  alsoServed?: { group?: string; version: string; kind?: string; toStorage(obj: KObject): KObject; fromStorage(obj: KObject): KObject; table?: TableSpec }[];
}
