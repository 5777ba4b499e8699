// Publishes a CustomResourceDefinition version's schema in OpenAPI the way apiextensions-apiserver does:
// the structural schema inline, with apiVersion/kind/metadata added and definition names built from the
// reversed group ("lab.example.com" → "com.example.lab.v1.Website").
import type { KObject } from '../types';
import { type Definitions, type Schema, REF_PREFIX, getDefinitions } from './schema';

export interface CrdDefinitions {
  /** definition name of the kind, e.g. com.example.lab.v1.Website */
  name: string;
  /** definition name of the list kind */
  listName: string;
  /** both definitions, ready for buildOpenApiV3Document's extraDefinitions or decodeStrict's options */
  definitions: Definitions;
}

export function crdDefinitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

/** The version entry of a CRD (the storage version when `version` is omitted). */
export function crdVersion(crd: KObject, version?: string): Record<string, any> | undefined {
  const versions: Record<string, any>[] = crd.spec?.versions ?? [];
  return version ? versions.find((v) => v.name === version) : (versions.find((v) => v.storage) ?? versions[0]);
}

export function crdSchemaToDefinition(crd: KObject, version?: string): CrdDefinitions {
  const v = crdVersion(crd, version);
  if (!v) throw new Error(`CustomResourceDefinition ${crd.metadata.name} has no version ${version ?? ''}`);
  const group: string = crd.spec.group;
  const { kind, listKind = `${crd.spec.names.kind}List`, plural } = crd.spec.names;
  const name = crdDefinitionName(group, v.name, kind);
  const listName = crdDefinitionName(group, v.name, listKind);
  const gvk = (k: string) => [{ group, kind: k, version: v.name }];

  const pod = getDefinitions()['io.k8s.api.core.v1.Pod'];
  const typeMeta = { apiVersion: pod.properties!.apiVersion, kind: pod.properties!.kind };
  const source: Schema = structuredClone(v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  const def: Schema = {
    ...source,
    type: 'object',
    properties: {
      ...typeMeta,
      metadata: {
        allOf: [{ $ref: REF_PREFIX + 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
        description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
      },
      ...Object.fromEntries(Object.entries(source.properties ?? {}).filter(([k]) => !(k in typeMeta) && k !== 'metadata')),
    },
    'x-kubernetes-group-version-kind': gvk(kind),
  };
  const list: Schema = {
    description: `${listKind} is a list of ${kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      ...typeMeta,
      items: {
        description: `List of ${plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: 'array',
        items: { $ref: REF_PREFIX + name },
      },
      metadata: {
        allOf: [{ $ref: REF_PREFIX + 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' }],
        description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
      },
    },
    'x-kubernetes-group-version-kind': gvk(listKind),
  };
  return { name, listName, definitions: { [name]: def, [listName]: list } };
}
