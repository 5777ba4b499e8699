// Builds the OpenAPI v3 schema catalogue the API server serves (and decodes/patches against) from the
// kubernetes-types .d.ts files. Run with `npm run gen:openapi`; the output is committed because the app
// needs it at runtime and the packaged app has no dev dependencies.
//
// Inputs besides kubernetes-types:
//  - @kubernetes/client-node models: the only installed source that records integer widths (int32/int64)
//    and the few double fields, which .d.ts `number` erases; those widths appear in decode errors.
//  - electron/cluster/api/openapi/source/list-metadata.json: patch/list metadata .d.ts files do not carry.
//  - electron/cluster/api/openapi/source/supplement.json: definitions kubernetes-types 1.30 lacks.
import ts from 'typescript';
import { readFileSync, readdirSync, writeFileSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const typesDir = join(root, 'node_modules/kubernetes-types');
const modelsDir = join(root, 'node_modules/@kubernetes/client-node/dist/gen/models');
const srcDir = join(root, 'electron/cluster/api/openapi/source');
const outFile = join(root, 'electron/cluster/api/openapi/generated/definitions.json');
const REF = '#/components/schemas/';

/** kubernetes-types module path (without .d.ts) → upstream Go package prefix of definition names. */
function packageOf(modPath) {
  if (modPath === 'meta/v1') return 'io.k8s.apimachinery.pkg.apis.meta.v1';
  if (modPath === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (modPath === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (modPath === 'version') return 'io.k8s.apimachinery.pkg.version';
  if (modPath.startsWith('apiextensions/')) return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.' + modPath.split('/')[1];
  return 'io.k8s.api.' + modPath.replace('/', '.');
}
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

// --- integer widths from client-node -------------------------------------------------------------
const formats = new Map(); // `${Short}.${field}` and `${ver}:${Short}.${field}` → format
for (const f of readdirSync(modelsDir)) {
  if (!f.endsWith('.js')) continue;
  const text = readFileSync(join(modelsDir, f), 'utf8');
  const cls = f.slice(0, -3);
  const m = /^((?:[A-Z][a-z]+)*?)(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(cls);
  if (!m) continue;
  const [, , ver, short] = m;
  const re = /"baseName": "([^"]+)",\s*"type": "number",\s*"format": "([^"]*)"/g;
  for (let r; (r = re.exec(text));) {
    const k = `${short}.${r[1]}`;
    formats.set(`${ver.toLowerCase()}:${k}`, r[2]);
    if (!formats.has(k)) formats.set(k, r[2]);
  }
}

// --- list metadata table ---------------------------------------------------------------------------
const listMeta = JSON.parse(readFileSync(join(srcDir, 'list-metadata.json'), 'utf8'));
function listExtensions(modPath, typeName, field) {
  const e = listMeta[`${modPath.replace('/', '.')} ${typeName}.${field}`];
  if (!e) return {};
  const out = {};
  if (e.k) out['x-kubernetes-list-map-keys'] = e.k;
  if (e.t) out['x-kubernetes-list-type'] = e.t;
  if (e.m) out['x-kubernetes-patch-merge-key'] = e.m;
  if (e.s) out['x-kubernetes-patch-strategy'] = e.s;
  return out;
}

// --- .d.ts parsing ---------------------------------------------------------------------------------
function listDts(dir) {
  const out = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...listDts(p));
    else if (f.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function docOf(node) {
  const docs = node.jsDoc;
  if (!docs || !docs.length) return undefined;
  const c = ts.getTextOfJSDocComment(docs[docs.length - 1].comment);
  return c ? c.trim() : undefined;
}

const definitions = {};
const sources = listDts(typesDir);

for (const file of sources) {
  const modPath = relative(typesDir, file).replace(/\.d\.ts$/, '');
  const pkg = packageOf(modPath);
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const imported = new Map(); // local name → definition name prefix
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st)) continue;
    const spec = st.moduleSpecifier.text;
    const target = join(dirname(modPath), spec).replace(/\\/g, '/');
    for (const el of st.importClause?.namedBindings?.elements ?? []) imported.set(el.name.text, packageOf(target));
  }
  const refName = (local) => `${imported.get(local) ?? pkg}.${local}`;

  const schemaOf = (typeNode, ctx) => {
    switch (typeNode.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.NumberKeyword: {
        const fmt = ctx && (formats.get(`${modPath.split('/').pop()}:${ctx.type}.${ctx.field}`) ?? formats.get(`${ctx.type}.${ctx.field}`));
        if (fmt === 'double') return { type: 'number', format: 'double' };
        return { type: 'integer', format: fmt === 'int64' ? 'int64' : 'int32' };
      }
      case ts.SyntaxKind.LiteralType:
        return { type: 'string' };
      case ts.SyntaxKind.ArrayType:
        return { type: 'array', items: itemSchema(typeNode.elementType) };
      case ts.SyntaxKind.UnionType: {
        const kinds = typeNode.types.map((t) => t.kind).sort();
        if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword))
          return { $ref: REF + INT_OR_STRING };
        throw new Error(`unsupported union in ${modPath}: ${typeNode.getText()}`);
      }
      case ts.SyntaxKind.TypeLiteral: {
        const idx = typeNode.members.find(ts.isIndexSignatureDeclaration);
        if (!idx) throw new Error(`unsupported type literal in ${modPath}`);
        return { type: 'object', additionalProperties: itemSchema(idx.type) };
      }
      case ts.SyntaxKind.TypeReference: {
        const name = typeNode.typeName.getText();
        if (name === 'Array') return { type: 'array', items: itemSchema(typeNode.typeArguments[0]) };
        return { $ref: REF + refName(name) };
      }
      default:
        throw new Error(`unsupported type ${ts.SyntaxKind[typeNode.kind]} in ${modPath}`);
    }
  };
  // Upstream wraps refs to structs stored by value in allOf with an empty default; scalars stay plain refs.
  const itemSchema = (typeNode) => {
    const s = schemaOf(typeNode);
    return s.$ref && isStructRef(s.$ref) ? { allOf: [s], default: {} } : s;
  };

  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st)) {
      const name = `${pkg}.${st.name.text}`;
      const def = {};
      const description = docOf(st);
      if (description) def.description = description;
      def.type = 'object';
      const required = [];
      const properties = {};
      let apiVersion, kind;
      for (const m of st.members) {
        if (!ts.isPropertySignature(m)) continue;
        const field = ts.isStringLiteral(m.name) ? m.name.text : m.name.getText();
        if (!m.questionToken) required.push(field);
        if (field === 'apiVersion' && m.type.kind === ts.SyntaxKind.LiteralType) apiVersion = m.type.literal.text;
        if (field === 'kind' && m.type.kind === ts.SyntaxKind.LiteralType) kind = m.type.literal.text;
        let s = schemaOf(m.type, { type: st.name.text, field });
        if (s.items?.allOf && s.items.allOf.length === 1) {
          /* already wrapped */
        }
        const d = docOf(m);
        if (s.$ref) {
          const wrapped = { allOf: [s] };
          if (!m.questionToken && isStructRef(s.$ref)) wrapped.default = {};
          if (d) wrapped.description = d;
          s = d || wrapped.default ? wrapped : s;
        } else if (d) {
          s = { description: d, ...s };
        }
        Object.assign(s, listExtensions(modPath, st.name.text, field));
        properties[field] = s;
      }
      if (required.length) def.required = required;
      if (Object.keys(properties).length) def.properties = properties;
      if (apiVersion && kind) {
        const i = apiVersion.indexOf('/');
        def['x-kubernetes-group-version-kind'] = [{ group: i < 0 ? '' : apiVersion.slice(0, i), kind, version: i < 0 ? apiVersion : apiVersion.slice(i + 1) }];
      }
      // Opaque containers (RawExtension, FieldsV1) are objects of any shape; JSON is any value at all.
      if (!def.properties && st.name.text === 'JSON') delete def.type;
      definitions[name] = def;
    } else if (ts.isTypeAliasDeclaration(st)) {
      const name = `${pkg}.${st.name.text}`;
      const def = {};
      const description = docOf(st);
      if (description) def.description = description;
      if (st.name.text === 'Quantity') def.oneOf = [{ type: 'string' }, { type: 'number' }];
      else if (st.name.text === 'Time' || st.name.text === 'MicroTime') Object.assign(def, { type: 'string', format: 'date-time' });
      // JSONSchemaPropsOr*: upstream publishes description-only schemas (any value).
      definitions[name] = def;
    }
  }
}

function isStructRef(ref) {
  const n = ref.slice(REF.length);
  return !/\.(Quantity|Time|MicroTime|IntOrString|JSON|JSONSchemaPropsOrArray|JSONSchemaPropsOrBool|JSONSchemaPropsOrStringArray)$/.test(n);
}

definitions[INT_OR_STRING] = {
  description:
    'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
  format: 'int-or-string',
  oneOf: [{ type: 'integer' }, { type: 'string' }],
};

// --- supplement ------------------------------------------------------------------------------------
const supplement = JSON.parse(readFileSync(join(srcDir, 'supplement.json'), 'utf8'));
Object.assign(definitions, supplement.definitions);
for (const [defName, fields] of Object.entries(supplement.fields ?? {})) {
  const def = definitions[defName];
  if (!def) throw new Error(`supplement.fields: no definition ${defName}`);
  def.properties = Object.fromEntries(Object.entries({ ...def.properties, ...fields }).sort(([a], [b]) => a.localeCompare(b)));
}

// --- sanity: every ref resolves, every table row was used ------------------------------------------
const text = JSON.stringify(definitions);
for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
  if (!definitions[m[1]]) throw new Error(`dangling ref ${m[1]}`);
}
for (const [key, row] of Object.entries(listMeta)) {
  if (key.startsWith('_')) continue;
  const [mod, tf] = key.split(' ');
  const [type, field] = tf.split('.');
  const def = definitions[`${packageOf(mod.replace('.', '/'))}.${type}`];
  if (field === undefined && def && row.mapType) def['x-kubernetes-map-type'] = row.mapType;
  else if (!def?.properties?.[field]) throw new Error(`list-metadata row matches no field: ${key}`);
}

const sorted = Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b)));
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(sorted) + '\n');
console.log(`wrote ${Object.keys(sorted).length} definitions to ${relative(root, outFile)} (${(text.length / 1024).toFixed(0)} KiB)`);
