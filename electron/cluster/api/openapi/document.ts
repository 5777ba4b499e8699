// OpenAPI v3 documents served at /openapi/v3/api/v1 and /openapi/v3/apis/<group>/<version>, plus the
// /openapi/v3 index. kubectl explain reads components.schemas (matched by x-kubernetes-group-version-kind);
// kubectl's field-validation probe looks for a PATCH operation tagged with the GVK that accepts `fieldValidation`.
import { createHash } from 'node:crypto';
import { type Definitions, type Schema, REF_PREFIX, lookupDefinition, schemaForKind } from './schema';

export interface OpenApiKind {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  verbs: string[];
  /** custom resources accept no strategic merge patch; kubectl reads that from the PATCH operation's media types */
  custom?: boolean;
}

type Op = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

function refsIn(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) refsIn(v, out);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) out.add(v.slice(REF_PREFIX.length));
    else refsIn(v, out);
  }
}

/** The named definitions plus everything they reference, transitively. */
export function reachableDefinitions(roots: string[], extra?: Definitions): Definitions {
  const out: Definitions = {};
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (out[name]) continue;
    const def = lookupDefinition(name, extra);
    if (!def) continue;
    out[name] = def;
    const refs = new Set<string>();
    refsIn(def, refs);
    for (const r of refs) if (!out[r]) queue.push(r);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** "apps" → "Apps", "rbac.authorization.k8s.io" → "RbacAuthorization", "" → "Core", as upstream operation ids. */
function groupIdent(group: string, version: string): string {
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
  const camel = g
    .split(/[.-]/)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
  return camel + version.charAt(0).toUpperCase() + version.slice(1);
}

const json = (ref: string) => ({ schema: { $ref: REF_PREFIX + ref } });
const responses = (ref: string, codes: string[]) =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description: c === '201' ? 'Created' : c === '202' ? 'Accepted' : 'OK',
        content: { 'application/json': json(ref), 'application/yaml': json(ref), 'application/vnd.kubernetes.protobuf': json(ref) },
      },
    ]),
  ) as Op;
const queryParam = (name: string, description: string, type = 'string', extra: Op = {}) => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
  ...extra,
});

const DRY_RUN = queryParam(
  'dryRun',
  'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
);
const FIELD_MANAGER = queryParam(
  'fieldManager',
  'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.',
);
const FIELD_VALIDATION = queryParam(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
);
const FORCE = queryParam(
  'force',
  'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
  'boolean',
);
const PRETTY = queryParam(
  'pretty',
  "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).",
);
const LIST_PARAMS = [
  queryParam('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  queryParam('continue', 'The continue option should be set when retrieving more results from the server.'),
  queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  queryParam('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  queryParam('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  queryParam('sendInitialEvents', '`sendInitialEvents=true` may be set together with `watch=true`.', 'boolean'),
  queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  queryParam('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];
const patchBody = (strategic: boolean) => ({
  content: Object.fromEntries(
    [
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      ...(strategic ? ['application/strategic-merge-patch+json'] : []),
    ].map((t) => [t, json(META + 'Patch')]),
  ),
  required: true,
});

function pathsFor(k: OpenApiKind, defName: string, listDef: string | undefined): Record<string, Op> {
  const prefix = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  const ns = k.namespaced ? 'Namespaced' : '';
  const id = groupIdent(k.group, k.version);
  const gvk = { group: k.group, kind: k.kind, version: k.version };
  const has = (v: string) => k.verbs.includes(v);
  const tags = [
    id.charAt(0).toLowerCase() +
      id
        .slice(1)
        .replace(/(V\d.*)$/, '_$1')
        .toLowerCase(),
  ];
  const op = (verb: string, action: string, description: string, extra: Op): Op => ({
    tags,
    description,
    operationId: `${verb}${id}${ns}${k.kind}`,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });

  const base = k.namespaced ? `${prefix}/namespaces/{namespace}/${k.resource}` : `${prefix}/${k.resource}`;
  const nsParam = {
    name: 'namespace',
    in: 'path',
    description: 'object name and auth scope, such as for teams and projects',
    required: true,
    schema: { type: 'string', uniqueItems: true },
  };
  const nameParam = { name: 'name', in: 'path', description: `name of the ${k.kind}`, required: true, schema: { type: 'string', uniqueItems: true } };
  const common = k.namespaced ? [nsParam, PRETTY] : [PRETTY];
  const paths: Record<string, Op> = {};

  const collection: Op = {};
  if (has('list') && listDef)
    collection.get = op('list', 'list', `list or watch objects of kind ${k.kind}`, { parameters: LIST_PARAMS, responses: responses(listDef, ['200']) });
  if (has('create'))
    collection.post = op('create', 'post', `create a ${k.kind}`, {
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
      requestBody: { content: { '*/*': json(defName) }, required: true },
      responses: responses(defName, ['200', '201', '202']),
    });
  if (has('deletecollection'))
    collection.delete = op('deleteCollection', 'deletecollection', `delete collection of ${k.kind}`, {
      parameters: [...LIST_PARAMS.filter((p) => p.name !== 'watch'), DRY_RUN],
      requestBody: { content: { '*/*': json(META + 'DeleteOptions') } },
      responses: responses(META + 'Status', ['200']),
    });
  if (Object.keys(collection).length) paths[base] = { ...collection, parameters: common };

  const item: Op = {};
  if (has('get')) item.get = op('read', 'get', `read the specified ${k.kind}`, { responses: responses(defName, ['200']) });
  if (has('update'))
    item.put = op('replace', 'put', `replace the specified ${k.kind}`, {
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
      requestBody: { content: { '*/*': json(defName) }, required: true },
      responses: responses(defName, ['200', '201']),
    });
  if (has('delete'))
    item.delete = op('delete', 'delete', `delete a ${k.kind}`, {
      parameters: [
        DRY_RUN,
        queryParam('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
        queryParam('propagationPolicy', 'Whether and how garbage collection will be performed.'),
      ],
      requestBody: { content: { '*/*': json(META + 'DeleteOptions') } },
      responses: responses(META + 'Status', ['200', '202']),
    });
  if (has('patch'))
    item.patch = op('patch', 'patch', `partially update the specified ${k.kind}`, {
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
      requestBody: patchBody(!k.custom),
      responses: responses(defName, ['200', '201']),
    });
  if (Object.keys(item).length) paths[`${base}/{name}`] = { ...item, parameters: [nameParam, ...common] };

  if (k.namespaced && has('list') && listDef) {
    paths[`${prefix}/${k.resource}`] = {
      get: op('list', 'list', `list or watch objects of kind ${k.kind}`, {
        operationId: `list${id}${k.kind}ForAllNamespaces`,
        responses: responses(listDef, ['200']),
      }),
      parameters: [...LIST_PARAMS, PRETTY],
    };
  }
  return paths;
}

/**
 * The OpenAPI 3.0 document of one group version ("v1" for the core group, "apps/v1" otherwise).
 * `extraDefinitions` carries CRD schemas (crdSchemaToDefinition) and anything else not in the catalogue.
 */
export function buildOpenApiV3Document(groupVersion: string, kinds: OpenApiKind[], extraDefinitions?: Record<string, object>): Record<string, unknown> {
  const extra = extraDefinitions as Definitions | undefined;
  const roots = new Set<string>([META + 'Patch', META + 'DeleteOptions', META + 'Status']);
  let paths: Record<string, Op> = {};
  for (const k of kinds) {
    if ((k.group ? `${k.group}/${k.version}` : k.version) !== groupVersion) continue;
    const def = schemaForKind(k.group, k.version, k.kind, extra);
    if (!def) continue;
    const listDef = schemaForKind(k.group, k.version, `${k.kind}List`, extra);
    roots.add(def);
    if (listDef) roots.add(listDef);
    paths = { ...paths, ...pathsFor(k, def, listDef) };
  }
  const title = 'Kubernetes';
  return {
    openapi: '3.0.0',
    info: { title, version: 'v1.33.0' },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    components: {
      schemas: reachableDefinitions([...roots], extra) as Record<string, Schema>,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}

/** The exact bytes to serve for a document and the hash that /openapi/v3 advertises for it. */
export function serializeOpenApiDocument(doc: unknown): { body: string; hash: string } {
  const body = typeof doc === 'string' ? doc : JSON.stringify(doc);
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

/**
 * /openapi/v3: `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}, ...}}`.
 * Keys of `documents` are the paths without the /openapi/v3/ prefix; values are documents (or their served bytes).
 */
export function buildOpenApiV3Index(documents: Record<string, unknown>): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const p of Object.keys(documents).sort()) {
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${serializeOpenApiDocument(documents[p]).hash}` };
  }
  return { paths };
}
