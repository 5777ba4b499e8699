// Fuzz cases for the API server (issue #22): fast-check arbitraries that start from a valid object of a kind
// the server serves and break it — wrong JSON types, nulls, removed, unknown and duplicate fields, deep nesting,
// huge strings, invalid UTF-8 and numbers, broken JSON and YAML — and send it by create, update, the three patch
// types or server-side apply; plus list, watch and delete with fuzzed query parameters.
import fc from 'fast-check';
import type { ResourceEntry } from '../../electron/cluster/apiserver/catalog';
import type { KObject } from '../../electron/cluster/api/types';
import { seedObject } from './seeds';
import { REMOVE, treePaths, updateAt, type Step } from './tree';

export type Verb = 'create' | 'update' | 'merge' | 'strategic' | 'json' | 'apply' | 'list' | 'watch' | 'get' | 'delete';

export interface FuzzCase {
  verb: Verb;
  resource: string; // group/version/resource of the catalogue entry
  name: string;
  contentType?: string;
  body?: Buffer;
  query: string;
  /** what was done to the seed, for the report */
  mutation: string;
}

const paths = (v: unknown) => treePaths(v, 13);
const setAt = (obj: unknown, path: Step[], fn: (old: unknown) => unknown): any => updateAt(obj, path, fn, {});

const nest = (depth: number, leaf: unknown, asArray: boolean): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { n: v };
  return v;
};

const scalarSwap = fc.oneof(
  fc.constant(null),
  fc.constant(true),
  fc.constant(0),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(2 ** 63),
  fc.constant(1e308),
  fc.constant(''),
  fc.constant(' '),
  fc.constant('x'),
  fc.constant([]),
  fc.constant({}),
  fc.constant([null]),
  fc.constant({ '': null }),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.constant('0.5Gi'),
  fc.constant('-1'),
  fc.constant('1e400'),
  fc.constant('\u0000'),
  fc.constant('ünï\u{1F600}'),
);

/** mutations of the decoded object; each returns [object, label] */
function objectMutation(seed: KObject): fc.Arbitrary<[unknown, string]> {
  const ps = paths(seed).filter((p) => p.length > 0);
  const pathArb = fc.constantFrom(...ps);
  return fc.oneof(
    fc.tuple(pathArb, scalarSwap).map(([p, v]) => [setAt(seed, p, () => v), `set ${p.join('.')} = ${JSON.stringify(v)?.slice(0, 40)}`] as [unknown, string]),
    pathArb.map((p) => [setAt(seed, p, () => REMOVE), `remove ${p.join('.')}`] as [unknown, string]),
    fc
      .tuple(pathArb, fc.string({ maxLength: 12 }))
      .map(
        ([p, k]) =>
          [
            setAt(seed, p, (old) => (old && typeof old === 'object' && !Array.isArray(old) ? { ...old, [`x${k}`]: 1 } : old)),
            `unknown field under ${p.join('.')}`,
          ] as [unknown, string],
      ),
    fc
      .tuple(pathArb, fc.integer({ min: 50, max: 2000 }), fc.boolean())
      .map(([p, d, arr]) => [setAt(seed, p, () => nest(d, 'leaf', arr)), `nest ${d} deep at ${p.join('.')}`] as [unknown, string]),
    fc
      .tuple(pathArb, fc.integer({ min: 1000, max: 400_000 }))
      .map(([p, n]) => [setAt(seed, p, () => 'a'.repeat(n)), `huge string (${n}) at ${p.join('.')}`] as [unknown, string]),
    fc
      .tuple(pathArb, fc.integer({ min: 1, max: 300 }))
      .map(
        ([p, n]) =>
          [
            setAt(seed, p, (old) => (Array.isArray(old) ? [...old, ...Array.from({ length: n }, () => null)] : old)),
            `${n} nulls appended at ${p.join('.')}`,
          ] as [unknown, string],
      ),
    fc.constant([seed, 'unchanged'] as [unknown, string]),
  );
}

/** mutations of the encoded bytes */
function textMutation(json: string): fc.Arbitrary<[Buffer, string, string]> {
  const J = 'application/json';
  return fc.oneof(
    fc.integer({ min: 0, max: Math.max(0, json.length - 1) }).map((n) => [Buffer.from(json.slice(0, n)), J, `truncated at ${n}`] as [Buffer, string, string]),
    fc.string({ maxLength: 5 }).map((s) => [Buffer.from(json + s), J, `trailing ${JSON.stringify(s)}`] as [Buffer, string, string]),
    fc.constant([Buffer.from(json.replace(/^\{/, '{"metadata":{"name":"dup"},')), J, 'duplicate field metadata'] as [Buffer, string, string]),
    fc.constant([
      Buffer.concat([Buffer.from(json.slice(0, -1)), Buffer.from(',"bad":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
      J,
      'invalid UTF-8',
    ] as [Buffer, string, string]),
    fc.constant([Buffer.from(json.replace(/:(\d+)/, ':1e999')), J, 'number overflow'] as [Buffer, string, string]),
    fc.constant([Buffer.from(json.replace(/:(\d+)/, ':01')), J, 'leading zero'] as [Buffer, string, string]),
    fc.constant([Buffer.from('[' + json + ']'), J, 'wrapped in a list'] as [Buffer, string, string]),
    fc.constant([Buffer.from('null'), J, 'null body'] as [Buffer, string, string]),
    fc.constant([Buffer.from('"' + 'x'.repeat(10) + '"'), J, 'string body'] as [Buffer, string, string]),
    fc.constant([Buffer.from(''), J, 'empty body'] as [Buffer, string, string]),
    fc.constant([Buffer.from(yamlOf(json) + '\n\tbad: tab'), 'application/yaml', 'YAML with a tab'] as [Buffer, string, string]),
    fc.constant([Buffer.from('a: &a [' + '*a,'.repeat(50) + ']'), 'application/yaml', 'YAML alias loop'] as [Buffer, string, string]),
    fc.constant([Buffer.from('---\na: 1\n---\nb: 2\n'), 'application/yaml', 'two YAML documents'] as [Buffer, string, string]),
    fc.constant([Buffer.from('{'.repeat(5000) + '}'.repeat(5000)), J, 'deep braces'] as [Buffer, string, string]),
    fc.constant([Buffer.from(json), 'application/vnd.kubernetes.protobuf', 'JSON sent as protobuf'] as [Buffer, string, string]),
    fc.constant([Buffer.from(json), 'text/plain', 'unknown content type'] as [Buffer, string, string]),
  );
}

/** JSON is valid YAML: enough to exercise the YAML decoder */
const yamlOf = (json: string) => json;

const QUERY_VALUES = [
  '',
  'abc',
  '-1',
  '0',
  '1',
  '99999999999',
  '1.5',
  '%',
  'a=b',
  'a==',
  'a in (',
  '!',
  'metadata.name=x',
  'x=y,z',
  'true',
  'True',
  'NotOlderThan',
  'Exact',
  'Strict',
  'All',
  'Foreground',
  'nonsense',
];
const QUERY_KEYS = [
  'limit',
  'continue',
  'resourceVersion',
  'resourceVersionMatch',
  'labelSelector',
  'fieldSelector',
  'timeoutSeconds',
  'allowWatchBookmarks',
  'sendInitialEvents',
  'fieldValidation',
  'dryRun',
  'fieldManager',
  'propagationPolicy',
  'gracePeriodSeconds',
  'orphanDependents',
  'pretty',
  'force',
];

const queryArb = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.oneof(fc.constantFrom(...QUERY_VALUES), fc.string({ maxLength: 10 }))), { maxLength: 4 })
  .map((pairs) => new URLSearchParams(pairs).toString());

const PATCH_TYPES: Record<string, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

const entryKey = (e: ResourceEntry) => `${e.group}/${e.version}/${e.resource}`;

/** names come from a small pool, so objects are replaced and deleted instead of piling up */
const nameArb = fc.constantFrom('f0', 'f1', 'f2');

export function caseArbitrary(entries: ResourceEntry[]): fc.Arbitrary<FuzzCase> {
  const writable = entries.filter((e) => e.verbs.includes('create') && e.verbs.includes('update'));
  const readable = entries.filter((e) => e.verbs.includes('list'));
  const write = fc
    .tuple(
      fc.constantFrom(...writable),
      nameArb,
      fc.constantFrom<Verb>('create', 'create', 'update', 'merge', 'strategic', 'json', 'apply'),
      queryArb,
      fc.boolean(),
    )
    .chain(([e, name, verb, query, text]) => {
      const seed = seedObject(e, name);
      const json = JSON.stringify(seed);
      if (text) {
        return textMutation(json).map(([body, contentType, mutation]): FuzzCase => ({
          verb,
          resource: entryKey(e),
          name,
          query,
          body,
          mutation,
          contentType: verb === 'create' || verb === 'update' ? contentType : PATCH_TYPES[verb],
        }));
      }
      return objectMutation(seed).map(([obj, mutation]): FuzzCase => {
        let payload: unknown = obj;
        if (verb === 'json')
          payload = [
            { op: 'replace', path: '/metadata/labels', value: { fuzz: 'x' } },
            { op: 'add', path: '/spec', value: (obj as any)?.spec ?? null },
          ];
        if (verb === 'merge' || verb === 'strategic') payload = { metadata: (obj as any)?.metadata, spec: (obj as any)?.spec, data: (obj as any)?.data };
        return {
          verb,
          resource: entryKey(e),
          name,
          query,
          mutation,
          body: Buffer.from(JSON.stringify(payload) ?? 'null'),
          contentType: verb === 'create' || verb === 'update' ? 'application/json' : PATCH_TYPES[verb],
        };
      });
    });
  const read = fc
    .tuple(fc.constantFrom(...readable), nameArb, fc.constantFrom<Verb>('list', 'watch', 'get', 'delete'), queryArb)
    .map(([e, name, verb, query]): FuzzCase => ({ verb, resource: entryKey(e), name, query, mutation: `query ${query || '(none)'}` }));
  return fc.oneof({ arbitrary: write, weight: 4 }, { arbitrary: read, weight: 1 });
}
