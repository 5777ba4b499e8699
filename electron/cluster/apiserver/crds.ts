// CustomResourceDefinitions: serving custom resources as soon as a CRD is created, with schema validation,
// defaulting, printer columns and subresources; cleaning up instances when a CRD is deleted.
import type { KObject } from '../api/types';
import type { KindStrategy } from '../api/kind';
import { applyCrdDefaults, validateCrdObject, validateCrdRules } from '../api/openapi';
import type { Catalog, ResourceEntry } from './catalog';
import type { Registry, RegistryHooks } from './registry';
import { nowRfc3339 } from './meta';
import { bestEffort, componentLog } from '../best-effort';
import { isNotFound } from '../client/errors';
import { keepStatusBumpGeneration, setGeneration } from '../api/kinds/strategy-helpers';
import { deepEqual } from '../api/object';

const log = componentLog('apiserver');

const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

function customStrategy(crd: KObject, v: any): KindStrategy {
  const schema = v.schema?.openAPIV3Schema;
  const names = crd.spec.names;
  const kind = names.kind;
  const statusSub = !!v.subresources?.status;
  return {
    info: {
      group: crd.spec.group,
      version: v.name,
      kind,
      listKind: names.listKind ?? `${kind}List`,
      resource: names.plural,
      singular: names.singular ?? names.plural,
      namespaced: crd.spec.scope !== 'Cluster',
      shortNames: names.shortNames,
      categories: names.categories,
      subresources: { status: !!v.subresources?.status, scale: v.subresources?.scale },
      storagePrefix: `${crd.spec.group}/${names.plural}`,
    },
    defaults(obj) {
      if (schema) applyCrdDefaults(schema, obj);
    },
    // apiextensions' strategy: every custom resource starts at generation 1, with or without a status subresource,
    // and any change but to metadata counts; without the subresource, status is ordinary content written with the rest
    prepareForCreate(obj) {
      if (statusSub) delete obj.status;
      setGeneration(obj, 1);
    },
    prepareForUpdate(obj, old) {
      const content = (o: KObject) => ({ ...o, metadata: undefined, status: undefined });
      if (statusSub) keepStatusBumpGeneration(obj, old, content);
      else setGeneration(obj, (old.metadata.generation ?? 1) + (deepEqual({ ...obj, metadata: undefined }, { ...old, metadata: undefined }) ? 0 : 1));
    },
    // the registry runs validate on create and validate + validateUpdate on update: the CEL rules go in one of
    // them, with the old object on update so that transition rules (oldSelf) run
    validate(obj, ctx) {
      if (!schema) return [];
      const errs = validateCrdObject(schema, obj as Record<string, unknown>);
      return ctx?.operation === 'update' ? errs : [...errs, ...validateCrdRules(schema, obj as Record<string, unknown>, undefined, errs)];
    },
    validateUpdate(obj, old) {
      if (!schema) return [];
      return validateCrdRules(
        schema,
        obj as Record<string, unknown>,
        old as Record<string, unknown>,
        validateCrdObject(schema, obj as Record<string, unknown>),
      );
    },
    validateStatusUpdate(obj, old) {
      if (!schema) return [];
      const errs = validateCrdObject(schema, obj as Record<string, unknown>);
      return [...errs, ...validateCrdRules(schema, obj as Record<string, unknown>, old as Record<string, unknown>, errs)].filter((e) =>
        e.field.startsWith('status'),
      );
    },
  };
}

export function crdEntries(crd: KObject): ResourceEntry[] {
  const out: ResourceEntry[] = [];
  const storageVersion = (crd.spec.versions ?? []).find((v: any) => v.storage)?.name ?? crd.spec.versions?.[0]?.name;
  for (const v of crd.spec.versions ?? []) {
    if (!v.served) continue;
    const s = customStrategy(crd, v);
    const i = s.info;
    const sub: string[] = [];
    if (v.subresources?.status) sub.push('status');
    if (v.subresources?.scale) sub.push('scale');
    out.push({
      group: i.group,
      version: i.version,
      resource: i.resource,
      kind: i.kind,
      listKind: i.listKind!,
      singular: i.singular,
      namespaced: i.namespaced,
      shortNames: i.shortNames ?? [],
      categories: i.categories ?? [],
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      subresources: sub,
      strategy: s,
      prefix: `/registry/${i.group}/${i.resource}`,
      storageVersion,
      storageGroup: i.group,
      // instances are stored in the storage version; other served versions pass through with apiVersion rewritten (no conversion webhooks offline)
      toStorage: v.name === storageVersion ? undefined : (o) => ({ ...o, apiVersion: `${i.group}/${storageVersion}` }),
      fromStorage: v.name === storageVersion ? undefined : (o) => ({ ...o, apiVersion: `${i.group}/${v.name}` }),
      crd,
      virtual: false,
    });
  }
  return out;
}

function isEstablished(crd: KObject): boolean {
  return !crd.metadata.deletionTimestamp;
}

export function registerCrds(catalog: Catalog, registry: Registry, crdEntry: () => ResourceEntry | undefined): { hooks: RegistryHooks; loadExisting(): void } {
  const served = new Map<string, ResourceEntry[]>();
  const install = (crd: KObject) => {
    uninstall(crd.metadata.name!);
    if (!isEstablished(crd)) return;
    const es = crdEntries(crd);
    for (const e of es) catalog.add(e);
    served.set(crd.metadata.name!, es);
  };
  const uninstall = (name: string) => {
    for (const e of served.get(name) ?? []) catalog.remove(e.group, e.version, e.resource);
    served.delete(name);
  };
  const setStatus = async (crd: KObject) => {
    const e = crdEntry();
    if (!e) return;
    const now = nowRfc3339();
    await bestEffort(
      registry.update(
        e,
        undefined,
        crd.metadata.name!,
        (cur) => {
          cur.status = {
            acceptedNames: {
              ...cur.spec.names,
              singular: cur.spec.names.singular ?? cur.spec.names.plural,
              listKind: cur.spec.names.listKind ?? `${cur.spec.names.kind}List`,
            },
            conditions: [
              { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
              { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
            ],
            storedVersions: [
              ...new Set([...(cur.status?.storedVersions ?? []), ...(cur.spec.versions ?? []).filter((v: any) => v.storage).map((v: any) => v.name)]),
            ],
          };
          return cur;
        },
        { user: { name: 'system:apiserver', groups: ['system:masters'] }, dryRun: false, subresource: 'status', internal: true },
      ),
      `accepting the names of CustomResourceDefinition ${crd.metadata.name}`,
      log,
      { expected: isNotFound },
    );
  };
  const cleanup = async (crd: KObject) => {
    // delete every instance, then release the finalizer so the CRD itself goes
    for (const e of served.get(crd.metadata.name!) ?? crdEntries(crd)) {
      const l = registry.list(e, undefined, {});
      for (const o of l.items) {
        await bestEffort(
          registry.delete(
            e,
            o.metadata.namespace,
            o.metadata.name!,
            { propagationPolicy: 'Background' },
            { user: { name: 'system:apiserver', groups: ['system:masters'] }, dryRun: false, internal: true },
          ),
          `deleting ${e.resource} ${o.metadata.name} of a deleted CustomResourceDefinition`,
          log,
          { expected: isNotFound },
        );
      }
    }
    uninstall(crd.metadata.name!);
    const e = crdEntry();
    if (!e) return;
    await bestEffort(
      registry.update(
        e,
        undefined,
        crd.metadata.name!,
        (cur) => {
          cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f: string) => f !== CLEANUP_FINALIZER);
          if (!cur.metadata.finalizers.length) delete cur.metadata.finalizers;
          return cur;
        },
        { user: { name: 'system:apiserver', groups: ['system:masters'] }, dryRun: false, internal: true },
      ),
      `releasing the finalizer of CustomResourceDefinition ${crd.metadata.name}`,
      log,
      { expected: isNotFound },
    );
  };
  const isCrd = (e: ResourceEntry) => e.group === 'apiextensions.k8s.io' && e.resource === 'customresourcedefinitions';
  return {
    hooks: {
      beforeCreate(e, obj) {
        if (!isCrd(e)) return;
        const f = new Set(obj.metadata.finalizers ?? []);
        f.add(CLEANUP_FINALIZER);
        obj.metadata.finalizers = [...f];
      },
      afterCreate(e, obj) {
        if (!isCrd(e)) return;
        install(obj);
        void setStatus(obj);
      },
      afterUpdate(e, obj, old) {
        if (!isCrd(e)) return;
        if (obj.metadata.deletionTimestamp) {
          if (!old.metadata.deletionTimestamp) setImmediate(() => void cleanup(obj));
        } else {
          install(obj);
        }
      },
      afterDelete(e, obj) {
        if (isCrd(e)) uninstall(obj.metadata.name!);
      },
    },
    loadExisting() {
      const e = crdEntry();
      if (!e) return;
      for (const crd of registry.list(e, undefined, {}).items) {
        if (crd.metadata.deletionTimestamp) void cleanup(crd);
        else install(crd);
      }
    },
  };
}
