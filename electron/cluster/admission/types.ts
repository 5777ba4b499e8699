// Admission plugins run between decoding/defaulting and storage, like upstream's mutating and validating chains.
import type { GVR, KObject } from '../api/types';
import type { UserInfo } from '../auth/user';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  gvr: GVR;
  kind: string;
  namespace?: string;
  name: string;
  subresource?: string;
  /** the object being written (mutable in mutate) */
  object?: KObject;
  oldObject?: KObject;
  user: UserInfo;
  dryRun: boolean;
  /** a warning for the client, sent as a Warning header (e.g. Pod Security's warn mode) */
  warn?: (message: string) => void;
  /** an annotation for the request's audit event (e.g. Pod Security's audit mode) */
  annotate?: (key: string, value: string) => void;
}

/** Read access to current cluster state for plugins (quota, limit ranges, priority classes, runtime classes…). */
export interface AdmissionLookup {
  /** a shared parse of the stored object: read it, copy what you keep, never change it */
  get(gvr: GVR, namespace: string | undefined, name: string): KObject | undefined;
  list(gvr: GVR, namespace?: string): KObject[];
}

export interface AdmissionPlugin {
  name: string;
  /** sees CONNECT requests (exec, attach, portforward, proxy); of upstream's default plugins only webhooks and policies do */
  connect?: boolean;
  /** throw a StatusError to reject */
  mutate?(a: AdmissionAttributes, lookup: AdmissionLookup): void | Promise<void>;
  validate?(a: AdmissionAttributes, lookup: AdmissionLookup): void | Promise<void>;
}
