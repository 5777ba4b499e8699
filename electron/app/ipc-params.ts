// Checks every call's parameters against the contract before a handler runs: both transports (Electron IPC and the
// web mode's WebSocket) deliver whatever a page sends, and TypeScript's types stop at the process boundary. A bad
// call is answered with a 400 naming the method and the field, like the API server's field errors, so a handler
// never meets a shape it did not expect.
import type { ConnectionTarget, Lang, Method, NetworkMatrixQuery, ObjectRef, Params, Settings, ViewAsSubject } from './ipc-contract';

type Protocol = NonNullable<NetworkMatrixQuery['protocol']>;

export class InvalidParams extends Error {
  readonly code = 400;
  readonly reason = 'BadRequest';
}

type Check<T> = (v: unknown, at: string) => T;

const MAX_NAME = 253;
// the web bridge's frame limit; Electron's IPC has none of its own
const MAX_TEXT = 8 << 20;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
function fail(at: string, want: string, got: unknown): never {
  throw new InvalidParams(`${at}: must be ${want}, got ${describe(got)}`);
}

const str =
  (max = MAX_NAME, allowEmpty = false): Check<string> =>
  (v, at) => {
    if (typeof v !== 'string') fail(at, 'a string', v);
    if (!allowEmpty && v.length === 0) fail(at, 'a non-empty string', v);
    if (v.length > max) fail(at, `at most ${max} characters long`, v);
    return v;
  };
const int =
  (min: number, max: number): Check<number> =>
  (v, at) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(at, `an integer from ${min} to ${max}`, v);
    return v;
  };
const bool: Check<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v));
/** one of a union's members; the record names every member, so a member added to the contract must be added here */
const oneOf =
  <T extends string>(members: Record<T, true>): Check<T> =>
  (v, at) =>
    typeof v === 'string' && Object.hasOwn(members, v)
      ? (v as T)
      : fail(
          at,
          `one of ${Object.keys(members)
            .map((x) => JSON.stringify(x))
            .join(', ')}`,
          v,
        );
const list =
  <T>(item: Check<T>, max: number): Check<T[]> =>
  (v, at) => {
    if (!Array.isArray(v)) fail(at, 'an array', v);
    if (v.length > max) fail(at, `an array of at most ${max} items`, v);
    return v.map((x, i) => item(x, `${at}[${i}]`));
  };
// marks a field the caller may leave out (undefined or null)
type Optional<T> = Check<T | undefined> & { optional: true };
const optional = <T>(c: Check<T>): Optional<T> =>
  Object.assign((v: unknown, at: string) => (v === undefined || v === null ? undefined : c(v, at)), { optional: true as const });

/** an object with exactly these fields: missing required fields and unknown ones are named */
function object<T>(shape: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (v, at) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(at, 'an object', v);
    const input = v as Record<string, unknown>;
    for (const k of Object.keys(input)) if (!Object.hasOwn(shape, k)) throw new InvalidParams(`${at}.${k}: unknown field`);
    const out: Record<string, unknown> = {};
    for (const [k, check] of Object.entries(shape) as [string, Check<unknown> & { optional?: true }][]) {
      if (!check.optional && (input[k] === undefined || input[k] === null)) throw new InvalidParams(`${at}.${k}: required`);
      const value = check(input[k], `${at}.${k}`);
      if (value !== undefined) out[k] = value;
    }
    return out as T;
  };
}
/** methods without parameters: the web bridge sends null, Electron's preload undefined */
const none: Check<void> = (v, at) => {
  if (v !== undefined && v !== null) fail(at, 'empty (this method takes no parameters)', v);
};

const labId = object({ id: str() });
const terminalId = object({ id: str() });
const cols = int(1, 2000);
const rows = int(1, 1000);
const matrixQuery = object<Params<'network.matrix'>>({
  namespaces: optional(list(str(63), 500)),
  port: int(1, 65535),
  protocol: optional(oneOf<Protocol>({ TCP: true, UDP: true, SCTP: true })),
});

/** the connection tester's target: its fields depend on its kind */
const targetKind = oneOf<ConnectionTarget['kind']>({ pod: true, service: true, node: true, address: true });
const port = int(1, 65535);
const connectionTarget: Check<ConnectionTarget> = (v, at) => {
  const kind = targetKind((v as { kind?: unknown } | null)?.kind, `${at}.kind`);
  if (kind === 'node') return object<ConnectionTarget>({ kind: targetKind, name: str(), port } as never)(v, at);
  if (kind === 'address') return object<ConnectionTarget>({ kind: targetKind, host: str(), port } as never)(v, at);
  return object<ConnectionTarget>({ kind: targetKind, namespace: str(63), name: str(), port } as never)(v, at);
};

/** view as: the fields depend on the subject's kind (a ServiceAccount has a namespace, a user may have groups) */
const subjectKind = oneOf<ViewAsSubject['kind']>({ User: true, Group: true, ServiceAccount: true });
// names travel in Impersonate-User/-Group headers, whose values HTTP restricts to visible ASCII and spaces
const headerName: Check<string> = (v, at) => {
  const s = str()(v, at);
  return /^[\x20-\x7e]+$/.test(s) ? s : fail(at, 'printable ASCII (it is sent in an HTTP header)', v);
};
const viewAsSubject: Check<ViewAsSubject> = (v, at) => {
  const kind = subjectKind((v as { kind?: unknown } | null)?.kind, `${at}.kind`);
  if (kind === 'ServiceAccount') return object<ViewAsSubject>({ kind: subjectKind, namespace: headerName, name: headerName } as never)(v, at);
  if (kind === 'Group') return object<ViewAsSubject>({ kind: subjectKind, name: headerName } as never)(v, at);
  return object<ViewAsSubject>({ kind: subjectKind, name: headerName, groups: optional(list(headerName, 50)) } as never)(v, at);
};

const PARAMS: { [M in Method]: Check<Params<M>> } = {
  'app.info': none,
  'runtime.docker': none,
  'cluster.status': none,
  'cluster.snapshot': none,
  'cluster.watch': none,
  'cluster.unwatch': none,
  'cluster.object': object({
    kind: oneOf<ObjectRef['kind']>({ Pod: true, Node: true, PersistentVolumeClaim: true, PersistentVolume: true }),
    namespace: optional(str(63)),
    name: str(),
  }),
  'cluster.nodePower': object({ name: str(), on: bool }),
  'cluster.viewAs': viewAsSubject,
  'cluster.reset': none,
  'cluster.profiles': none,
  'cluster.useProfile': object({ name: str() }),
  'network.matrix': matrixQuery,
  'network.watch': matrixQuery,
  'network.unwatch': none,
  'network.explain': object({ from: str(320), to: str(320), port: int(1, 65535), protocol: optional(oneOf<Protocol>({ TCP: true, UDP: true, SCTP: true })) }),
  'network.preview': object<Params<'network.preview'>>({
    namespaces: optional(list(str(63), 500)),
    port: int(1, 65535),
    protocol: optional(oneOf<Protocol>({ TCP: true, UDP: true, SCTP: true })),
    yaml: str(MAX_TEXT, true),
  }),
  'network.trace': object<Params<'network.trace'>>({ from: object({ namespace: str(63), name: str() }), to: connectionTarget }),
  'labs.list': none,
  'labs.get': labId,
  'labs.start': labId,
  'labs.startCluster': labId,
  'labs.check': labId,
  'labs.hint': object({ id: str(), stepId: str(), index: int(0, 1000) }),
  'labs.solve': object({ id: str(), stepId: optional(str()) }),
  'labs.solution': object({ id: str(), stepId: str() }),
  'labs.reset': labId,
  'labs.cancel': labId,
  'labs.active': none,
  'labs.report': none,
  'yaml.apply': object({ yaml: str(MAX_TEXT, true), dryRun: bool, namespace: optional(str(63)) }),
  'term.open': object({ cols, rows }),
  'term.list': none,
  'term.run': object({ command: str(MAX_TEXT), prefer: optional(str()), cols: optional(cols), rows: optional(rows) }),
  'term.attach': terminalId,
  'term.write': object({ id: str(), data: str(MAX_TEXT, true) }),
  'term.resize': object({ id: str(), cols, rows }),
  'term.ack': object({ id: str(), chars: int(0, Number.MAX_SAFE_INTEGER) }),
  'term.close': terminalId,
  'settings.get': none,
  'settings.set': object({
    language: optional(oneOf<Lang>({ en: true, zh: true })),
    runtime: optional(oneOf<Settings['runtime']>({ sim: true, docker: true })),
    fontSize: optional(int(9, 32)),
  }),
};

/** the call's parameters as the handler may use them, or an InvalidParams naming the method and field */
export function checkParams<M extends Method>(method: M, params: unknown): Params<M> {
  return (PARAMS[method] as Check<Params<M>>)(params, `${method}: params`);
}
