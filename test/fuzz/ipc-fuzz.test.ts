// Issue #22 item 4 (the web-mode bridge): frames a page could send on the WebSocket — garbage, JSON that is not a
// call, calls to unknown methods, and every method's parameters mutated (types swapped, fields removed, unknown
// fields, nulls, huge values) — each get one answer: a result, or an error that names the method and the field.
// Never a crash, a hang or a 5xx; the server keeps answering afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { fixtureAppServices, type AppFixture } from '../app-fixture';
import { METHODS, type Method } from '../../electron/app/ipc-contract';
import { startWebServer, type RunningWebServer } from '../../electron/web/web-server';
import { COOKIE } from '../../electron/web/request-guard';
import type { ServerMessage } from '../../electron/web/protocol';
import { REMOVE, treePaths, updateAt, type Step } from './tree';

const CASES = Number(process.env.KUBELAB_IPC_FUZZ_CASES ?? 5000);
const SEED = Number(process.env.KUBELAB_FUZZ_SEED ?? 22);
const staticDir = mkdtempSync(join(tmpdir(), 'kubelab-ipcfuzz-ui-'));
let app: AppFixture;
let web: RunningWebServer;
let ws: WebSocket;
const waiting = new Map<number | null, ((m: ServerMessage) => void)[]>();

beforeAll(async () => {
  app = fixtureAppServices('ipcfuzz');
  await app.services.start();
  web = await startWebServer({ services: app.services, staticDir });
  const origin = `http://127.0.0.1:${web.port}`;
  ws = new WebSocket(`ws://127.0.0.1:${web.port}/api`, { headers: { origin, cookie: `${COOKIE}=${web.token}` } });
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('error', rej);
  });
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as ServerMessage;
    if (m.t === 'event') return;
    waiting.get(m.id)?.shift()?.(m);
  });
}, 120_000);
afterAll(async () => {
  ws?.close();
  await web?.close();
  await app?.dispose();
  rmSync(staticDir, { recursive: true, force: true });
});

/** sends one frame and resolves with the answer to `id` (null: the answer to an unreadable frame) */
function send(frame: string | Buffer, id: number | null, timeoutMs = 30_000): Promise<ServerMessage> {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms to ${String(frame).slice(0, 200)}`)), timeoutMs);
    const queue = waiting.get(id) ?? [];
    waiting.set(id, queue);
    queue.push((m) => {
      clearTimeout(timer);
      res(m);
    });
    ws.send(frame);
  });
}
let nextId = 1;
const call = (method: string, params: unknown) => {
  const id = nextId++;
  return send(JSON.stringify({ t: 'call', id, method, params }), id);
};

// a valid call for every method whose effect is harmless on a shared test cluster
const SAFE: Partial<Record<Method, unknown>> = {
  'app.info': null,
  'runtime.docker': null,
  'cluster.status': null,
  'cluster.snapshot': null,
  'cluster.unwatch': null,
  'cluster.object': { kind: 'Pod', namespace: 'default', name: 'nope' },
  'cluster.nodePower': { name: 'no-such-node', on: true },
  'cluster.viewAs': { kind: 'User', name: 'fuzz', groups: ['fuzzers'] },
  'cluster.profiles': null,
  'network.matrix': { port: 80, namespaces: ['default'], protocol: 'TCP' },
  'network.unwatch': null,
  'network.explain': { from: 'default/a', to: 'default/b', port: 80, protocol: 'TCP' },
  'network.preview': { port: 80, yaml: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: fuzz\nspec:\n  podSelector: {}\n' },
  'labs.list': null,
  'labs.get': { id: '01-first-look' },
  'labs.check': { id: '01-first-look' },
  'labs.hint': { id: '01-first-look', stepId: 'nodes', index: 0 },
  'yaml.apply': { yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fuzz\ndata:\n  a: b\n', dryRun: true },
  'term.list': null,
  'term.attach': { id: 'nope' },
  'term.write': { id: 'nope', data: 'x' },
  'term.resize': { id: 'nope', cols: 80, rows: 24 },
  'term.ack': { id: 'nope', chars: 1 },
  'term.close': { id: 'nope' },
  'settings.get': null,
};
const safeMethods = Object.keys(SAFE) as Method[];

const paths = (v: unknown) => treePaths(v);
const mutate = (v: unknown, path: Step[], value: unknown, remove: boolean): unknown => updateAt(v, path, () => (remove ? REMOVE : value));

const odd = fc.oneof(
  fc.constantFrom<unknown>(null, 0, -1, 1.5, 1e308, true, '', ' ', 'x'.repeat(300), [], {}, [null], { a: null }, '\u0000', '../../etc', 'ünï'),
  fc.jsonValue({ maxDepth: 3 }),
);
// a safe method's valid parameters with one mutation: another value somewhere, a field removed, an unknown field
const mutatedCall = fc.tuple(fc.constantFrom(...safeMethods), fc.nat(), odd, fc.constantFrom('swap', 'remove', 'unknown')).map(([method, pick, value, how]) => {
  const base = SAFE[method];
  const ps = paths(base);
  const path = ps[pick % ps.length];
  const params = how === 'unknown' ? { ...(base && typeof base === 'object' ? base : {}), 'zz-unknown': value } : mutate(base, path, value, how === 'remove');
  return { method, params };
});
// any method, including the disruptive ones, with parameters no method accepts: only the check may answer
const refusedCall = fc.tuple(fc.constantFrom(...METHODS), odd).map(([method, value]) => ({ method, params: { 'zz-unknown': value } }));
const unknownMethod = fc.tuple(fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })), odd).map(([method, params]) => ({ method, params }));
const garbage = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{"t":"call"}', '{"t":"call","id":"7","method":"app.info"}', '{"t":"call","id":1.5,"method":"app.info"}', '[]', 'null', '{'),
);

describe('web-mode bridge fuzzing (issue #22)', () => {
  it('names the method and the field of a bad call', async () => {
    const r = await call('labs.hint', { id: '01-first-look', stepId: 'nodes', index: 'x' });
    expect(r).toMatchObject({ t: 'error', error: { code: 400, message: 'labs.hint: params.index: must be an integer from 0 to 1000, got "x"' } });
    expect(await call('term.open', { cols: 80 })).toMatchObject({ error: { code: 400, message: 'term.open: params.rows: required' } });
    expect(await call('cluster.reset', { force: true })).toMatchObject({
      error: { code: 400, message: 'cluster.reset: params: must be empty (this method takes no parameters), got an object' },
    });
    expect(await call('yaml.apply', { yaml: 'x', dryRun: true, extra: 1 })).toMatchObject({ error: { message: 'yaml.apply: params.extra: unknown field' } });
    expect(await call('nope.method', null)).toMatchObject({ error: { code: 400, message: 'unknown method "nope.method"' } });
    expect(await send('{not json', null)).toMatchObject({ t: 'error', id: null, error: { code: 400 } });
    expect(await send('{"t":"call","method":"app.info"}', null)).toMatchObject({ t: 'error', id: null, error: { code: 400 } });
    // a rejected settings change leaves the settings as they were
    const before = ((await call('settings.get', null)) as { result: unknown }).result;
    expect(await call('settings.set', { fontSize: 'huge' })).toMatchObject({
      error: { message: 'settings.set: params.fontSize: must be an integer from 9 to 32, got "huge"' },
    });
    expect(await call('settings.get', null)).toMatchObject({ result: before });
  });

  it(`answers ${CASES} fuzzed frames, each once, without a crash or a 5xx, and keeps serving`, async () => {
    const kinds = fc.oneof(
      { weight: 5, arbitrary: mutatedCall.map((c) => ({ kind: 'mutated' as const, ...c })) },
      { weight: 2, arbitrary: refusedCall.map((c) => ({ kind: 'refused' as const, ...c })) },
      { weight: 1, arbitrary: unknownMethod.map((c) => ({ kind: 'unknown' as const, ...c })) },
      { weight: 2, arbitrary: garbage.map((frame) => ({ kind: 'garbage' as const, frame })) },
    );
    const samples = fc.sample(kinds, { seed: SEED, numRuns: CASES });
    const tally = { result: 0, refused: 0, other: 0 };
    const problems: string[] = [];
    for (let i = 0; i < samples.length; i += 25) {
      await Promise.all(
        samples.slice(i, i + 25).map(async (s) => {
          let answer: ServerMessage;
          let expectRefusal = false;
          let label: string;
          if (s.kind === 'garbage') {
            // a garbage frame that happens to be a readable call is answered under its id
            let parsed: { t?: unknown; id?: unknown } | undefined;
            try {
              parsed = JSON.parse(s.frame);
            } catch {
              parsed = undefined;
            }
            const id = parsed && typeof parsed === 'object' && Number.isSafeInteger(parsed.id) ? (parsed.id as number) : null;
            if (id !== null) return; // ids are ours to allocate; such a frame is covered by the other kinds
            label = `frame ${JSON.stringify(s.frame.slice(0, 120))}`;
            answer = await send(s.frame, null);
            expectRefusal = true;
          } else {
            label = `${JSON.stringify(s.method).slice(0, 80)} ${JSON.stringify(s.params)?.slice(0, 200)}`;
            answer = await call(s.method as string, s.params);
            expectRefusal = s.kind !== 'mutated';
          }
          if (answer.t === 'result') {
            tally.result++;
            if (expectRefusal) problems.push(`${label}: accepted, expected a 400`);
            return;
          }
          if (answer.t !== 'error' || typeof answer.error?.message !== 'string' || !answer.error.message)
            return void problems.push(`${label}: malformed answer ${JSON.stringify(answer)}`);
          if ((answer.error.code ?? 0) >= 500) problems.push(`${label}: ${answer.error.code} ${answer.error.message}`);
          if (answer.error.code === 400) tally.refused++;
          else tally.other++;
          if (expectRefusal && answer.error.code !== 400) problems.push(`${label}: expected a 400, got ${JSON.stringify(answer.error)}`);
          if (answer.error.code === 400 && s.kind !== 'garbage' && s.kind !== 'unknown' && !answer.error.message.startsWith(`${String(s.method)}: params`))
            problems.push(`${label}: the refusal does not name the method and field: ${answer.error.message}`);
        }),
      );
    }
    console.log(`ipc fuzz (seed ${SEED}): ${samples.length} frames — ${tally.result} results, ${tally.refused} refused (400), ${tally.other} other errors`);
    expect(problems.slice(0, 20)).toEqual([]);
    // the fuzz must reach both sides of the check, or it proves nothing
    expect(tally.result).toBeGreaterThan(CASES / 20);
    expect(tally.refused).toBeGreaterThan(CASES / 4);
    expect(await call('cluster.status', null)).toMatchObject({ t: 'result', result: { phase: 'ready' } });
    expect(await call('labs.get', { id: '01-first-look' })).toMatchObject({ t: 'result' });
  }, 600_000);
});
