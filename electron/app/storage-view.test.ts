import { describe, expect, it } from 'vitest';
import { storageSnapshot } from './storage-view';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, uid: `${name}-uid`, ...extra });

describe('storage views', () => {
  it('joins claims to the pods that mount them (ephemeral ones too), volumes to claims, nodes and attachments', () => {
    const s = storageSnapshot({
      claims: [
        { metadata: meta('web-cache', { namespace: 'a' }), spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } },
        {
          metadata: meta('data', { namespace: 'a', annotations: { 'volume.kubernetes.io/selected-node': 'n1' } }),
          spec: { volumeName: 'pvc-1', storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } },
          status: { phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'] },
        },
        { metadata: meta('gone', { namespace: 'b', deletionTimestamp: '2026-01-01T00:00:00Z' }), spec: {}, status: { phase: 'Bound' } },
      ],
      volumes: [
        {
          metadata: meta('pvc-1'),
          spec: {
            capacity: { storage: '2Gi' },
            persistentVolumeReclaimPolicy: 'Delete',
            claimRef: { namespace: 'a', name: 'data' },
            csi: { driver: 'hostpath.csi.k8s.io', volumeHandle: 'h' },
            nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['n1'] }] }] } },
          },
          status: { phase: 'Bound' },
        },
        { metadata: meta('manual'), spec: { capacity: { storage: '5Gi' }, hostPath: { path: '/mnt' } }, status: { phase: 'Available' } },
      ],
      classes: [
        {
          metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
          provisioner: 'p',
          volumeBindingMode: 'WaitForFirstConsumer',
        },
      ],
      snapshots: [
        { metadata: meta('s2', { namespace: 'a' }), spec: { source: { volumeSnapshotContentName: 'c' } }, status: { error: { message: 'boom' } } },
        { metadata: meta('s1', { namespace: 'a' }), spec: { source: { persistentVolumeClaimName: 'data' } }, status: { readyToUse: true, restoreSize: '2Gi' } },
      ],
      attachments: [
        { metadata: meta('va'), spec: { nodeName: 'n1', source: { persistentVolumeName: 'pvc-1' } }, status: { attached: true } },
        { metadata: meta('va2'), spec: { nodeName: 'n0', source: { persistentVolumeName: 'pvc-1' } } },
      ],
      pods: [
        { metadata: { name: 'writer', namespace: 'a' }, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } },
        { metadata: { name: 'web', namespace: 'a' }, spec: { volumes: [{ name: 'cache', ephemeral: {} }] } },
        { metadata: { name: 'other-ns', namespace: 'b' }, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } },
      ],
    });
    expect(s.claims.map((c) => [c.namespace, c.name, c.status, c.usedBy])).toEqual([
      ['a', 'data', 'Bound', ['writer']],
      ['a', 'web-cache', 'Pending', ['web']],
      ['b', 'gone', 'Terminating', []],
    ]);
    expect(s.claims[0]).toMatchObject({ volume: 'pvc-1', capacity: '2Gi', selectedNode: 'n1', storageClass: 'standard' });
    expect(s.claims[1].capacity).toBe('1Gi');
    expect(s.volumes[1]).toMatchObject({ name: 'pvc-1', claim: 'a/data', source: 'hostpath.csi.k8s.io', node: 'n1' });
    expect(s.volumes[1].attachments).toEqual([
      { node: 'n0', attached: false },
      { node: 'n1', attached: true },
    ]);
    expect(s.volumes[0]).toMatchObject({ name: 'manual', source: 'hostPath', reclaimPolicy: 'Retain', claim: undefined, node: undefined });
    expect(s.classes[0]).toMatchObject({ isDefault: true, bindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete', allowExpansion: false });
    expect(s.snapshots.map((x) => [x.name, x.source, x.ready, x.error])).toEqual([
      ['s1', 'pvc/data', true, undefined],
      ['s2', 'content/c', false, 'boom'],
    ]);
  });
});
