// Serves a container's CRI log file as the kubelet does for GET /containerLogs: rotated files first, partial
// records joined, tail/since/timestamps/limitBytes applied, and in follow mode new records as they are appended.
import { PassThrough, type Readable } from 'node:stream';
import { promises as fsp, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { LogOptions } from '../connector';
import { LineAssembler, splitRecords, type CriRecord, type LogLine } from './cri-format';

export type ReadLogOptions = LogOptions & {
  signal?: AbortSignal;
  /** whether the container writing the log still runs: follow mode ends, as the kubelet's does, once it does not */
  containerRunning?: () => Promise<boolean>;
};

/** how often follow mode re-checks the file when no fs.watch event arrives (watch is unreliable on some filesystems) */
const POLL_MS = 250;

export function readContainerLogs(path: string, opts: ReadLogOptions): Readable {
  const out = new PassThrough();
  const reader = new CriLogReader(path, opts, out);
  reader.run().then(
    () => {
      if (!out.destroyed) out.end();
    },
    (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return out;
}

class CriLogReader {
  private readonly since: number | undefined;
  private remaining: number;
  private stopped = false;

  constructor(
    private path: string,
    private opts: ReadLogOptions,
    private out: PassThrough,
  ) {
    this.since = opts.sinceTime ? Date.parse(opts.sinceTime) : opts.sinceSeconds !== undefined ? Date.now() - opts.sinceSeconds * 1000 : undefined;
    this.remaining = opts.limitBytes !== undefined && opts.limitBytes > 0 ? opts.limitBytes : Infinity;
    out.on('close', () => {
      this.stopped = true;
    });
    opts.signal?.addEventListener(
      'abort',
      () => {
        this.stopped = true;
      },
      { once: true },
    );
  }

  private get done(): boolean {
    return this.stopped || this.remaining <= 0 || !!this.opts.signal?.aborted;
  }

  async run(): Promise<void> {
    const assembler = new LineAssembler();
    const lines: LogLine[] = [];
    const collect = (records: CriRecord[]) => {
      for (const r of records) {
        const l = assembler.push(r);
        if (l) lines.push(l);
      }
    };
    for (const f of await rotatedFiles(this.path)) collect(splitRecords(await readMaybeGzip(f)).records);

    let handle: fsp.FileHandle | undefined = await openIfExists(this.path);
    let offset = 0;
    let rest: Buffer = Buffer.alloc(0);
    if (handle) {
      const buf = await readFrom(handle, 0);
      offset = buf.length;
      const split = splitRecords(buf);
      rest = split.rest;
      collect(split.records);
    }

    const tail = this.opts.tailLines;
    const start = tail !== undefined && tail >= 0 ? Math.max(0, lines.length - tail) : 0;
    for (let i = start; i < lines.length && !this.done; i++) await this.emit(lines[i]);

    if (!this.opts.follow) {
      await handle?.close();
      return;
    }

    const waiter = new ChangeWaiter(this.path, this.opts.signal);
    try {
      while (!this.done) {
        await waiter.next();
        if (this.done) break;
        // asked before reading: a container that had stopped has written its last line, which this read drains
        const running = this.opts.containerRunning ? await this.opts.containerRunning().catch(() => false) : true;
        if (!handle) {
          handle = await openIfExists(this.path);
          offset = 0;
          rest = Buffer.alloc(0);
          if (!handle) {
            if (!running) break;
            continue;
          }
        }
        const replaced = await replacedOnDisk(this.path, handle);
        const size = (await handle.stat()).size;
        if (size < offset) {
          offset = 0;
          rest = Buffer.alloc(0);
        } // truncated in place
        const buf = await readFrom(handle, offset);
        offset += buf.length;
        const split = splitRecords(rest.length ? Buffer.concat([rest, buf]) : buf);
        rest = split.rest;
        for (const r of split.records) {
          const l = assembler.push(r);
          if (l && !this.done) await this.emit(l);
        }
        // a rename-based rotation leaves our handle on the old file: checked before the read above, so the
        // old file has been drained completely before moving to the new one
        if (replaced) {
          await handle.close();
          handle = await openIfExists(this.path);
          offset = 0;
          rest = Buffer.alloc(0);
          if (handle) waiter.poke();
          continue;
        }
        if (!running) break;
      }
    } finally {
      waiter.close();
      await handle?.close();
    }
  }

  private async emit(l: LogLine): Promise<void> {
    if (this.since !== undefined && l.time < this.since) return;
    let chunk = Buffer.from(this.opts.timestamps ? `${l.timestamp} ${l.text}` : l.text);
    if (chunk.length > this.remaining) chunk = chunk.subarray(0, this.remaining);
    this.remaining -= chunk.length;
    if (!this.out.write(chunk)) await drained(this.out, this.opts.signal);
  }
}

/** `<path>.<suffix>` siblings, oldest first (a numeric suffix counts down to the newest, as logrotate numbers them) */
async function rotatedFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path) + '.';
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  // logrotate-style numbers (0.log.1) and the kubelet's rotation stamps (0.log.20240101-120000), optionally gzipped
  const rotated = /^(\d+|\d{8}-\d{6})(\.gz)?$/;
  const found = await Promise.all(
    names
      .filter((n) => n.startsWith(base) && rotated.test(n.slice(base.length)))
      .map(async (n) => {
        // rotation may remove a file between the listing and the stat: it is then no longer one of them
        const st = await fsp.stat(join(dir, n)).catch(() => undefined);
        const suffix = n.slice(base.length).replace(/\.gz$/, '');
        return st?.isFile() ? { file: join(dir, n), mtime: st.mtimeMs, num: /^\d+$/.test(suffix) ? Number(suffix) : undefined, suffix } : undefined;
      }),
  );
  return found
    .filter((f): f is NonNullable<typeof f> => !!f)
    .sort((a, b) => {
      if (a.num !== undefined && b.num !== undefined) return b.num - a.num;
      if (a.mtime !== b.mtime) return a.mtime - b.mtime;
      return a.suffix < b.suffix ? -1 : 1;
    })
    .map((f) => f.file);
}

async function readMaybeGzip(file: string): Promise<Buffer> {
  const buf = await fsp.readFile(file).catch(() => Buffer.alloc(0));
  return file.endsWith('.gz') ? gunzipSync(buf) : buf;
}

async function openIfExists(path: string): Promise<fsp.FileHandle | undefined> {
  try {
    return await fsp.open(path, 'r');
  } catch {
    return undefined;
  }
}

async function readFrom(h: fsp.FileHandle, offset: number): Promise<Buffer> {
  const size = (await h.stat()).size;
  if (size <= offset) return Buffer.alloc(0);
  const buf = Buffer.alloc(size - offset);
  const { bytesRead } = await h.read(buf, 0, buf.length, offset);
  return buf.subarray(0, bytesRead);
}

async function replacedOnDisk(path: string, h: fsp.FileHandle): Promise<boolean> {
  // no file at the path (rotated away, not yet recreated) is not a replacement yet
  const [cur, open] = await Promise.all([fsp.stat(path).catch(() => undefined), h.stat()]);
  return !!cur && (cur.ino !== open.ino || cur.dev !== open.dev);
}

function drained(out: PassThrough, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Resolves next() on an fs.watch event for the log's folder, a poll tick, or abort. */
class ChangeWaiter {
  private watcher: FSWatcher | undefined;
  private wake: (() => void) | undefined;
  private dirty = false;

  constructor(
    private readonly path: string,
    private signal?: AbortSignal,
  ) {
    this.startWatch();
    signal?.addEventListener('abort', () => this.poke(), { once: true });
  }

  /** the log's folder appears with the container's first line, so a missing one is tried again on each poll */
  private startWatch(): void {
    const file = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_ev, name) => {
        if (!name || String(name).startsWith(file)) this.poke();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      this.watcher = undefined; // polling alone still works
    }
  }

  poke(): void {
    this.dirty = true;
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  next(): Promise<void> {
    if (this.dirty || this.signal?.aborted) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        if (!this.watcher) this.startWatch();
        resolve();
      }, POLL_MS);
      this.wake = () => {
        clearTimeout(t);
        this.dirty = false;
        resolve();
      };
    });
  }

  close(): void {
    this.watcher?.close();
  }
}
