// The kubelet's pod source over a scripted API: filtered list+watch, and a pod replaced under the same name while
// the watch was down arrives as a removal plus a new pod (the kubelet keys pods by uid).
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/harness';
import type { Client, ListOptions, WatchOptions } from '../client/types';
import type { KObject, WatchEvent } from '../api/types';
import { PodSource } from './pod-source';

const pod = (uid: string, rv: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid, resourceVersion: rv },
  spec: { nodeName: 'n1' },
});

function scriptedApi(items: () => KObject[]) {
  const calls: { list: ListOptions[]; watch: WatchOptions[] } = { list: [], watch: [] };
  let emit: ((e: WatchEvent<KObject>) => void) | undefined;
  let close: (() => void) | undefined;
  const client = {
    async list(_r: unknown, _ns: unknown, opts: ListOptions) {
      calls.list.push(opts);
      return { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '100' }, items: items() };
    },
    watch(_r: unknown, _ns: unknown, opts: WatchOptions, onEvent: (e: WatchEvent<KObject>) => void, onClose?: () => void) {
      calls.watch.push(opts);
      emit = onEvent;
      close = onClose;
      return { stop() {} };
    },
  } as unknown as Client;
  return { client, calls, emit: (e: WatchEvent<KObject>) => emit!(e), close: () => close!() };
}

describe('PodSource', () => {
  it("lists and watches only the node's pods and reports a same-name replacement as removal plus new pod", async () => {
    let current = [pod('uid-1', '10')];
    const api = scriptedApi(() => current);
    const seen: string[] = [];
    const src = new PodSource(api.client, 'n1', {
      upsert: (p, old) => seen.push(`upsert ${p.metadata.uid}@${p.metadata.resourceVersion}${old ? ` from ${old.metadata.resourceVersion}` : ''}`),
      remove: (p) => seen.push(`remove ${p.metadata.uid}`),
    });
    src.start();
    await src.synced();
    await waitFor(() => api.calls.watch.length === 1);
    expect(api.calls.list[0].fieldSelector).toBe('spec.nodeName=n1');
    expect(api.calls.watch[0].fieldSelector).toBe('spec.nodeName=n1');

    api.emit({ type: 'MODIFIED', object: pod('uid-1', '11') });
    // the watch ends; meanwhile the pod was deleted and created again under the same name
    current = [pod('uid-2', '20')];
    api.close();
    await waitFor(() => api.calls.watch.length === 2, { what: 'relist and new watch' });
    expect(src.byName('default', 'web')?.metadata.uid).toBe('uid-2');
    api.emit({ type: 'DELETED', object: pod('uid-2', '21') });
    src.stop();
    expect(seen).toEqual(['upsert uid-1@10', 'upsert uid-1@11 from 10', 'remove uid-1', 'upsert uid-2@20', 'remove uid-2']);
  });
});
