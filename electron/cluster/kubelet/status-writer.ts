// Batched pod status writes: a pod's latest status is coalesced and written once per flush, only when it differs
// from what was last written, through pods/status with a uid guard (a recreated pod of the same name is left alone).
import type { Client } from '../client/types';
import { R } from '../client/resources';
import { StatusError } from '../api/errors';
import { deepEqual } from '../api/object';

const CONCURRENCY = 16;

interface Pending {
  namespace: string;
  name: string;
  uid: string;
  status: Record<string, unknown>;
  json: string;
}

export class StatusWriter {
  private pending = new Map<string, Pending>();
  private written = new Map<string, string>();
  private active = 0;
  private scheduled = false;
  private paused = false;
  private idle: (() => void)[] = [];

  constructor(
    private client: Client,
    private onError: (msg: string) => void = () => undefined,
  ) {}

  /** `current` is the status the API has (informer copy): no write when it already matches */
  set(namespace: string, name: string, uid: string, status: Record<string, unknown>, current?: unknown): void {
    // the kubelet builds statuses with a fixed key order, so its own JSON text identifies one
    const json = JSON.stringify(status);
    const last = this.written.get(uid);
    if (last === json && !this.pending.has(uid)) return;
    if (last === undefined && current !== undefined && deepEqual(current, status)) {
      this.written.set(uid, json);
      return;
    }
    this.pending.set(uid, { namespace, name, uid, status, json });
    this.schedule();
  }

  forget(uid: string): void {
    this.written.delete(uid);
    this.pending.delete(uid);
  }

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.schedule();
  }

  flush(): Promise<void> {
    if (!this.pending.size && !this.active) return Promise.resolve();
    return new Promise((r) => {
      this.idle.push(r);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.paused) return;
    this.scheduled = true;
    // a sync usually changes a pod several times in a row: write once, after the current burst
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.paused && this.active < CONCURRENCY && this.pending.size) {
      const [uid, p] = this.pending.entries().next().value as [string, Pending];
      this.pending.delete(uid);
      const json = p.json;
      if (this.written.get(uid) === json) continue;
      this.active++;
      void this.write(p)
        .then(
          () => {
            this.written.set(uid, json);
          },
          (err) => {
            if (!(err instanceof StatusError && (err.code === 404 || err.code === 409 || err.code === 422)))
              this.onError(`status of ${p.namespace}/${p.name}: ${(err as Error).message}`);
          },
        )
        .finally(() => {
          this.active--;
          this.pump();
          if (!this.active && !this.pending.size) for (const w of this.idle.splice(0)) w();
        });
    }
    if (!this.active && !this.pending.size) for (const w of this.idle.splice(0)) w();
  }

  private async write(p: Pending): Promise<void> {
    await this.client.patch(
      R.pods,
      p.namespace,
      p.name,
      'json',
      [
        { op: 'test', path: '/metadata/uid', value: p.uid },
        { op: 'replace', path: '/status', value: p.status },
      ],
      { subresource: 'status' },
    );
  }
}
