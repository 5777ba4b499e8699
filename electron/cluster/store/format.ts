// Text rendering for `kubelab store get|list|watch`, in the spirit of `etcdctl get -w fields`.

import type { KeyValue, StoreEvent } from './types';

export interface FormatOptions {
  /** also print the stored value (JSON) on the following line */
  withValue?: boolean;
}

/** `<key>  create_revision=N mod_revision=N version=N`, plus the value on a second line if asked. */
export function formatKeyValue(kv: KeyValue, opts: FormatOptions = {}): string {
  const line = `${kv.key}  create_revision=${kv.createRevision} mod_revision=${kv.modRevision} version=${kv.version}`;
  return opts.withValue ? `${line}\n${kv.value}` : line;
}

/** A watch event: `PUT|DELETE <revision>  <formatKeyValue>`. */
export function formatStoreEvent(event: StoreEvent, opts: FormatOptions = {}): string {
  return `${event.type.toUpperCase()} ${event.revision}  ${formatKeyValue(event.kv, opts)}`;
}
