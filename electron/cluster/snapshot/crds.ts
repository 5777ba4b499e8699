// The snapshot.storage.k8s.io/v1 API (VolumeSnapshotClass, VolumeSnapshot, VolumeSnapshotContent) as the
// CustomResourceDefinitions the external-snapshotter project ships: same names, scopes, short names, printer columns
// and schema shape, installed at cluster start (an existing definition is left as it is).
import type { Client } from '../client/types';
import { R } from '../client/resources';
import { isStatus } from '../client/errors';
import type { KObject } from '../api/types';

const GROUP = 'snapshot.storage.k8s.io';
export const SNAPSHOT_R = {
  volumesnapshotclasses: { group: GROUP, version: 'v1', resource: 'volumesnapshotclasses' },
  volumesnapshots: { group: GROUP, version: 'v1', resource: 'volumesnapshots' },
  volumesnapshotcontents: { group: GROUP, version: 'v1', resource: 'volumesnapshotcontents' },
} as const;

const str = (description: string) => ({ type: 'string', description });
const bool = (description: string) => ({ type: 'boolean', description });
const obj = (description: string, properties: Record<string, unknown>, required?: string[]) => ({
  type: 'object',
  description,
  properties,
  ...(required ? { required } : {}),
});
const ageColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const col = (name: string, type: string, jsonPath: string, description: string) => ({ name, type, jsonPath, description });
const errorSchema = obj('the last error seen while creating or deleting the snapshot', {
  message: str('what went wrong; may be logged, so it holds no secrets'),
  time: { type: 'string', format: 'date-time', description: 'when the error was seen' },
});
const objectReference = obj('the VolumeSnapshot this content is bound to', {
  apiVersion: str('API version of the referent'),
  fieldPath: str('a field of the referent'),
  kind: str('kind of the referent'),
  name: str('name of the referent'),
  namespace: str('namespace of the referent'),
  resourceVersion: str('resource version of the referent'),
  uid: str('UID of the referent'),
});
const meta = { apiVersion: str('versioned schema of this representation'), kind: str('REST resource this object represents'), metadata: { type: 'object' } };

function crd(
  plural: string,
  kind: string,
  scope: 'Namespaced' | 'Cluster',
  shortNames: string[],
  columns: unknown[],
  schema: Record<string, unknown>,
  status: boolean,
): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}`, annotations: { 'api-approved.kubernetes.io': 'https://github.com/kubernetes-csi/external-snapshotter/pull/814' } },
    spec: {
      group: GROUP,
      scope,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, shortNames },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          additionalPrinterColumns: [...columns, ageColumn],
          schema: { openAPIV3Schema: schema },
          ...(status ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  };
}

export const SNAPSHOT_CRDS: KObject[] = [
  crd(
    'volumesnapshotclasses',
    'VolumeSnapshotClass',
    'Cluster',
    ['vsclass', 'vsclasses'],
    [
      col('Driver', 'string', '.driver', 'the CSI driver that handles snapshots of this class'),
      col(
        'DeletionPolicy',
        'string',
        '.deletionPolicy',
        'whether the VolumeSnapshotContent and its physical snapshot are deleted with the VolumeSnapshot (Delete) or kept (Retain)',
      ),
    ],
    {
      type: 'object',
      description: 'VolumeSnapshotClass names a CSI driver and the parameters for the snapshots it takes.',
      properties: {
        ...meta,
        driver: str('name of the CSI driver that handles this class'),
        deletionPolicy: {
          type: 'string',
          enum: ['Delete', 'Retain'],
          description: 'what happens to the content and the physical snapshot when the VolumeSnapshot goes',
        },
        parameters: { type: 'object', additionalProperties: { type: 'string' }, description: 'driver-specific parameters' },
      },
      required: ['deletionPolicy', 'driver'],
    },
    false,
  ),
  crd(
    'volumesnapshots',
    'VolumeSnapshot',
    'Namespaced',
    ['vs'],
    [
      col('ReadyToUse', 'boolean', '.status.readyToUse', 'Indicates if the snapshot is ready to be used to restore a volume.'),
      col(
        'SourcePVC',
        'string',
        '.spec.source.persistentVolumeClaimName',
        'If a new snapshot needs to be created, this contains the name of the source PVC from which this snapshot was (or will be) created.',
      ),
      col(
        'SourceSnapshotContent',
        'string',
        '.spec.source.volumeSnapshotContentName',
        'If a snapshot already exists, this contains the name of the existing VolumeSnapshotContent object representing the existing snapshot.',
      ),
      col('RestoreSize', 'string', '.status.restoreSize', 'Represents the minimum size of volume required to rehydrate from this snapshot.'),
      col('SnapshotClass', 'string', '.spec.volumeSnapshotClassName', 'The name of the VolumeSnapshotClass requested by the VolumeSnapshot.'),
      col(
        'SnapshotContent',
        'string',
        '.status.boundVolumeSnapshotContentName',
        'Name of the VolumeSnapshotContent object to which the VolumeSnapshot object intends to bind to.',
      ),
      col('CreationTime', 'date', '.status.creationTime', 'Timestamp when the point-in-time snapshot was taken by the underlying storage system.'),
    ],
    {
      type: 'object',
      description: 'VolumeSnapshot asks for a point-in-time snapshot of a claim, or binds an existing one.',
      properties: {
        ...meta,
        spec: obj(
          'what to snapshot and with which class',
          {
            source: obj('where the snapshot comes from: a claim to snapshot now, or an existing VolumeSnapshotContent; immutable', {
              persistentVolumeClaimName: str('claim in the same namespace to take the snapshot of'),
              volumeSnapshotContentName: str('existing VolumeSnapshotContent to bind'),
            }),
            volumeSnapshotClassName: str("VolumeSnapshotClass to use; unset picks the default class of the source volume's driver"),
          },
          ['source'],
        ),
        status: obj('what the snapshot controller observed', {
          boundVolumeSnapshotContentName: str('the VolumeSnapshotContent this snapshot is bound to'),
          creationTime: { type: 'string', format: 'date-time', description: 'when the storage system took the snapshot' },
          error: errorSchema,
          readyToUse: bool('whether a volume can be restored from the snapshot'),
          restoreSize: { 'x-kubernetes-int-or-string': true, description: 'smallest volume the snapshot can be restored into' },
          volumeGroupSnapshotName: str('the VolumeGroupSnapshot this snapshot is part of'),
        }),
      },
      required: ['spec'],
    },
    true,
  ),
  crd(
    'volumesnapshotcontents',
    'VolumeSnapshotContent',
    'Cluster',
    ['vsc', 'vscs'],
    [
      col('ReadyToUse', 'boolean', '.status.readyToUse', 'Indicates if the snapshot is ready to be used to restore a volume.'),
      col('RestoreSize', 'integer', '.status.restoreSize', 'Represents the complete size of the snapshot in bytes'),
      col(
        'DeletionPolicy',
        'string',
        '.spec.deletionPolicy',
        'Determines whether this VolumeSnapshotContent and its physical snapshot on the underlying storage system should be deleted when its bound VolumeSnapshot is deleted.',
      ),
      col('Driver', 'string', '.spec.driver', 'Name of the CSI driver used to create the physical snapshot on the underlying storage system.'),
      col('VolumeSnapshotClass', 'string', '.spec.volumeSnapshotClassName', 'Name of the VolumeSnapshotClass to which this snapshot belongs.'),
      col('VolumeSnapshot', 'string', '.spec.volumeSnapshotRef.name', 'Name of the VolumeSnapshot object to which this VolumeSnapshotContent object is bound.'),
      col(
        'VolumeSnapshotNamespace',
        'string',
        '.spec.volumeSnapshotRef.namespace',
        'Namespace of the VolumeSnapshot object to which this VolumeSnapshotContent object is bound.',
      ),
    ],
    {
      type: 'object',
      description: 'VolumeSnapshotContent is a snapshot taken by a CSI driver on the storage system.',
      properties: {
        ...meta,
        spec: obj(
          'the physical snapshot and its binding',
          {
            deletionPolicy: { type: 'string', enum: ['Delete', 'Retain'], description: 'whether the physical snapshot is deleted with this object' },
            driver: str('the CSI driver that took the snapshot'),
            source: obj('a volume to snapshot (dynamic) or an existing snapshot handle (pre-provisioned); immutable', {
              snapshotHandle: str("the storage system's ID of an existing snapshot"),
              volumeHandle: str("the storage system's ID of the volume to snapshot"),
            }),
            sourceVolumeMode: str('volume mode of the snapshotted volume'),
            volumeSnapshotClassName: str('the VolumeSnapshotClass the snapshot was taken with'),
            volumeSnapshotRef: objectReference,
          },
          ['deletionPolicy', 'driver', 'source', 'volumeSnapshotRef'],
        ),
        status: obj('what the CSI snapshotter observed', {
          creationTime: { type: 'integer', format: 'int64', description: 'when the snapshot was taken, in nanoseconds since the Unix epoch' },
          error: errorSchema,
          readyToUse: bool('whether a volume can be restored from the snapshot'),
          restoreSize: { type: 'integer', format: 'int64', minimum: 0, description: 'size of the snapshot in bytes' },
          snapshotHandle: str("the storage system's ID of the snapshot"),
          volumeGroupSnapshotHandle: str("the storage system's ID of the group snapshot"),
        }),
      },
      required: ['spec'],
    },
    true,
  ),
];

/** creates the definitions that are missing (a cluster that already has them, maybe newer, keeps its own) */
export async function installSnapshotCrds(client: Client): Promise<void> {
  for (const c of SNAPSHOT_CRDS) {
    try {
      await client.create(R.customresourcedefinitions, undefined, structuredClone(c));
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
  }
}
