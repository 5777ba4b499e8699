// The client every cluster component uses. The in-process implementation calls the API server's handler
// chain directly (authn as the component's identity, authz, admission, validation), never the store.
import type { GVR, KList, KObject, WatchEvent } from '../api/types';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  limit?: number;
  continue?: string;
}
export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}
export interface PatchOptions extends WriteOptions {
  force?: boolean;
}
export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface WatchHandle {
  /** stops the stream; onClose is not called after stop() */
  stop(): void;
}

export interface Client {
  /** the identity the calls are made as (e.g. system:kube-scheduler) */
  readonly user: string;
  get<T extends KObject = KObject>(r: GVR, namespace: string | undefined, name: string, subresource?: string): Promise<T>;
  list<T extends KObject = KObject>(r: GVR, namespace?: string, opts?: ListOptions): Promise<KList<T>>;
  create<T extends KObject = KObject>(
    r: GVR,
    namespace: string | undefined,
    obj: KObject,
    opts?: WriteOptions & { subresource?: string; name?: string },
  ): Promise<T>;
  update<T extends KObject = KObject>(r: GVR, namespace: string | undefined, obj: KObject, opts?: WriteOptions & { subresource?: string }): Promise<T>;
  /** PUT …/status */
  updateStatus<T extends KObject = KObject>(r: GVR, namespace: string | undefined, obj: KObject): Promise<T>;
  patch<T extends KObject = KObject>(
    r: GVR,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts?: PatchOptions & { subresource?: string },
  ): Promise<T>;
  delete(r: GVR, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<KObject>;
  deleteCollection(r: GVR, namespace: string | undefined, opts?: ListOptions & DeleteOptions): Promise<KObject>;
  /** onEvent gets ADDED/MODIFIED/DELETED/BOOKMARK; an ERROR event (e.g. 410 Expired) ends the stream, then onClose */
  watch<T extends KObject = KObject>(
    r: GVR,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (e: WatchEvent<T>) => void,
    onClose?: (err?: Error) => void,
  ): WatchHandle;
}

/** A list+watch cache of one resource, like client-go's shared informer. */
export interface Informer<T extends KObject = KObject> {
  readonly gvr: GVR;
  /** resolves after the initial list has been delivered */
  synced(): Promise<void>;
  hasSynced(): boolean;
  /** `namespace/name` (or `name` for cluster-scoped) → object */
  get(key: string): T | undefined;
  getByName(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): T[];
  /** handlers; `update` receives old and new; `delete` receives the last known state */
  onAdd(fn: (obj: T) => void): void;
  onUpdate(fn: (oldObj: T, newObj: T) => void): void;
  onDelete(fn: (obj: T) => void): void;
  /** secondary index on a computed value (e.g. spec.nodeName) */
  addIndex(name: string, fn: (obj: T) => string[]): void;
  byIndex(name: string, value: string): T[];
}

export interface InformerFactory {
  informer<T extends KObject = KObject>(r: GVR, namespace?: string): Informer<T>;
  start(): void;
  stop(): void;
}

/** key of an object as informers index it */
export function objectKey(obj: KObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : `${obj.metadata.name}`;
}
