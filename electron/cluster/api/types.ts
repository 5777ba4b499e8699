// Loose object shapes used across the control plane. Kind-specific code narrows them with kubernetes-types.
import type { ObjectMeta } from 'kubernetes-types/meta/v1';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** ObjectMeta without kubernetes-types' readonly markers: the server fills uid, resourceVersion and timestamps. */
export type Meta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };

/** Any Kubernetes object as stored: apiVersion/kind/metadata plus arbitrary fields. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  [field: string]: any;
}

export interface KList<T = KObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T = KObject> {
  type: WatchEventType;
  object: T;
}

/** group/version/resource; group '' is the core group. */
export interface GVR {
  group: string;
  version: string;
  resource: string;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
