import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import { readContainerLogs, containerLogSource, parseCriRecord } from './index';

const rec = (ts: string, text: string, tag: 'F' | 'P' = 'F', stream = 'stdout') => `${ts} ${stream} ${tag} ${text}\n`;
const T = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString().replace('Z', '123456Z');

async function readAll(r: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** collects a following stream and resolves once `pred` holds for what has arrived */
function collector(r: Readable) {
  let text = '';
  const waiters: { pred: (s: string) => boolean; resolve: () => void }[] = [];
  r.on('data', (c: Buffer) => {
    text += c.toString('utf8');
    for (const w of [...waiters])
      if (w.pred(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  });
  return {
    get text() {
      return text;
    },
    until(pred: (s: string) => boolean, ms = 5000): Promise<void> {
      if (pred(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(text)}`)), ms);
        waiters.push({
          pred,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      });
    },
  };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crilog-'));
  file = join(dir, '0.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCriRecord', () => {
  it('splits timestamp, stream, tag and content, keeping spaces in the content', () => {
    expect(parseCriRecord('2016-10-06T00:17:09.669794202Z stderr P a  b ')).toMatchObject({
      timestamp: '2016-10-06T00:17:09.669794202Z',
      stream: 'stderr',
      partial: true,
      content: 'a  b ',
    });
    expect(parseCriRecord('2016-10-06T00:17:09Z stdout F ')).toMatchObject({ partial: false, content: '' });
    expect(parseCriRecord('garbage line')).toBeUndefined();
  });
});

describe('readContainerLogs', () => {
  it('returns all lines, joining partial records, from stdout and stderr', async () => {
    writeFileSync(file, rec(T(1), 'one') + rec(T(2), 'tw', 'P') + rec(T(2), 'o', 'F') + rec(T(3), 'err', 'F', 'stderr'));
    expect(await readAll(readContainerLogs(file, {}))).toBe('one\ntwo\nerr\n');
  });

  it('applies tailLines, timestamps and limitBytes', async () => {
    writeFileSync(file, [1, 2, 3, 4].map((i) => rec(T(i), `line ${i}`)).join(''));
    expect(await readAll(readContainerLogs(file, { tailLines: 2 }))).toBe('line 3\nline 4\n');
    expect(await readAll(readContainerLogs(file, { tailLines: 0 }))).toBe('');
    expect(await readAll(readContainerLogs(file, { tailLines: 1, timestamps: true }))).toBe(`${T(4)} line 4\n`);
    expect(await readAll(readContainerLogs(file, { limitBytes: 10 }))).toBe('line 1\nlin');
  });

  it('filters by sinceTime and sinceSeconds', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    writeFileSync(file, rec(T(1), 'old') + rec(T(5), 'newer') + rec(iso(now - 2000), 'recent'));
    expect(await readAll(readContainerLogs(file, { sinceTime: new Date(Date.UTC(2024, 0, 1, 0, 0, 3)).toISOString() }))).toBe('newer\nrecent\n');
    expect(await readAll(readContainerLogs(file, { sinceSeconds: 60 }))).toBe('recent\n');
  });

  it('reads rotated files (numbered and gzipped) before the live one', async () => {
    writeFileSync(`${file}.2.gz`, gzipSync(rec(T(1), 'first')));
    writeFileSync(`${file}.1`, rec(T(2), 'second'));
    writeFileSync(file, rec(T(3), 'third'));
    expect(await readAll(readContainerLogs(file, {}))).toBe('first\nsecond\nthird\n');
    expect(await readAll(readContainerLogs(file, { tailLines: 2 }))).toBe('second\nthird\n');
  });

  it('yields nothing for a missing file without follow', async () => {
    expect(await readAll(readContainerLogs(join(dir, 'none.log'), {}))).toBe('');
  });

  it('follows appended records, partial writes and rotation until aborted', async () => {
    writeFileSync(file, rec(T(1), 'a') + rec(T(2), 'b'));
    const ac = new AbortController();
    const r = readContainerLogs(file, { follow: true, tailLines: 1, signal: ac.signal });
    const c = collector(r);
    await c.until((s) => s === 'b\n');
    appendFileSync(file, rec(T(3), 'c'));
    await c.until((s) => s === 'b\nc\n');
    // a record split across two writes is emitted only once complete
    const half = rec(T(4), 'dd');
    appendFileSync(file, half.slice(0, 20));
    appendFileSync(file, half.slice(20) + rec(T(5), 'e', 'P'));
    await c.until((s) => s.endsWith('dd\n'));
    appendFileSync(file, rec(T(5), 'f'));
    await c.until((s) => s.endsWith('dd\nef\n'));
    // rename-based rotation: what was appended to the old file is drained, then the new file is read
    appendFileSync(file, rec(T(6), 'g'));
    renameSync(file, `${file}.1`);
    writeFileSync(file, rec(T(7), 'h'));
    await c.until((s) => s.endsWith('ef\ng\nh\n'));
    const ended = new Promise((resolve) => r.on('end', resolve));
    ac.abort();
    await ended;
    expect(c.text).toBe('b\nc\ndd\nef\ng\nh\n');
  });

  it('ends following once the container stops, after its last lines', async () => {
    writeFileSync(file, rec(T(1), 'a'));
    let running = true;
    const r = readContainerLogs(file, { follow: true, containerRunning: async () => running });
    const c = collector(r);
    const ended = new Promise((resolve) => r.on('end', resolve));
    await c.until((s) => s === 'a\n');
    appendFileSync(file, rec(T(2), 'b'));
    await c.until((s) => s === 'a\nb\n');
    // the last line and the exit arrive together: the line is still delivered before the stream ends
    appendFileSync(file, rec(T(3), 'last'));
    running = false;
    await ended;
    expect(c.text).toBe('a\nb\nlast\n');
  });

  it('stops following once limitBytes is reached', async () => {
    writeFileSync(file, rec(T(1), 'abc'));
    const r = readContainerLogs(file, { follow: true, limitBytes: 6 });
    const text = readAll(r);
    appendFileSync(file, rec(T(2), 'defgh'));
    expect(await text).toBe('abc\nde');
  });
});

describe('containerLogSource', () => {
  const pod = (cs: object) => ({ containerStatuses: [{ name: 'c', ...cs }] });
  it('explains waiting, missing and previous-less containers like the kubelet', () => {
    expect(containerLogSource('p', pod({ state: { waiting: { reason: 'ContainerCreating' } } }), 'c', false)).toEqual({
      error: 'container "c" in pod "p" is waiting to start: ContainerCreating',
    });
    expect(containerLogSource('p', pod({ state: { waiting: { reason: 'ImagePullBackOff' } } }), 'c', false)).toEqual({
      error: 'container "c" in pod "p" is waiting to start: trying and failing to pull image',
    });
    expect(containerLogSource('p', pod({ state: { running: {} } }), 'c', true)).toEqual({ error: 'previous terminated container "c" in pod "p" not found' });
    expect(containerLogSource('p', {}, 'c', false)).toEqual({ error: 'container "c" in pod "p" is not available' });
  });
  it('serves the last run of a crash-looping container and its previous run', () => {
    const s = pod({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { containerID: 'x://1' } } });
    expect(containerLogSource('p', s, 'c', false)).toEqual({ source: 'previous' });
    expect(containerLogSource('p', s, 'c', true)).toEqual({ source: 'previous' });
    expect(containerLogSource('p', pod({ state: { running: {} } }), 'c', false)).toEqual({ source: 'current' });
  });
});
