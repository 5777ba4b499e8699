import { describe, expect, it } from 'vitest';
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import { findMatchingVolume, podClaimNames, volumeNodeAffinityMatches } from './binding';

const pv = (name: string, size: string, extra: Partial<PersistentVolume['spec']> = {}, labels?: Record<string, string>): PersistentVolume => ({
  metadata: { name, labels },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', ...extra },
  status: { phase: 'Available' },
});
const claim = (size: string, extra: Partial<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim => ({
  metadata: { name: 'c', namespace: 'ns', uid: 'u1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: 'manual', ...extra },
});
const node = (name: string, labels: Record<string, string>): Node => ({ metadata: { name, labels } });

describe('volume matching', () => {
  it('picks the smallest volume that fits class, size and access modes', () => {
    const vols = [
      pv('big', '10Gi'),
      pv('small', '2Gi'),
      pv('tiny', '1Gi'),
      pv('other-class', '2Gi', { storageClassName: 'fast' }),
      pv('rox', '2Gi', { accessModes: ['ReadOnlyMany'] }),
    ];
    expect(findMatchingVolume(claim('1500Mi'), vols)?.metadata?.name).toBe('small');
    expect(findMatchingVolume(claim('20Gi'), vols)).toBeUndefined();
  });
  it('skips bound, released and terminating volumes', () => {
    const bound = { ...pv('bound', '1Gi'), spec: { ...pv('bound', '1Gi').spec, claimRef: { name: 'x', namespace: 'ns', uid: 'u9' } } };
    const released = { ...pv('released', '1Gi'), status: { phase: 'Released' } };
    const deleting = { ...pv('deleting', '1Gi'), metadata: { name: 'deleting', deletionTimestamp: '2025-01-01T00:00:00Z' } };
    expect(findMatchingVolume(claim('1Gi'), [bound, released, deleting])).toBeUndefined();
  });
  it('prefers the volume pre-bound to the claim over a better fit', () => {
    const pre = pv('pre', '10Gi', { claimRef: { name: 'c', namespace: 'ns' } });
    expect(findMatchingVolume(claim('1Gi'), [pv('fit', '1Gi'), pre])?.metadata?.name).toBe('pre');
    // a volume pre-bound to another claim is not a candidate
    expect(findMatchingVolume(claim('1Gi'), [pv('other', '1Gi', { claimRef: { name: 'd', namespace: 'ns' } })])).toBeUndefined();
  });
  it('honours the claim selector', () => {
    const vols = [pv('a', '1Gi', {}, { tier: 'gold' }), pv('b', '1Gi', {}, { tier: 'silver' })];
    expect(findMatchingVolume(claim('1Gi', { selector: { matchLabels: { tier: 'silver' } } }), vols)?.metadata?.name).toBe('b');
  });
  it('filters by node affinity when the scheduler names a node', () => {
    const local = pv('local', '1Gi', {
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
    });
    expect(volumeNodeAffinityMatches(local, node('n1', { 'kubernetes.io/hostname': 'n1' }))).toBe(true);
    expect(findMatchingVolume(claim('1Gi'), [local], node('n2', { 'kubernetes.io/hostname': 'n2' }))).toBeUndefined();
    expect(findMatchingVolume(claim('1Gi'), [local], node('n1', { 'kubernetes.io/hostname': 'n1' }))?.metadata?.name).toBe('local');
  });
  it('names the claims of a pod, generic ephemeral volumes as <pod>-<volume>', () => {
    expect(
      podClaimNames({
        metadata: { name: 'web' },
        spec: {
          containers: [],
          volumes: [
            { name: 'a', persistentVolumeClaim: { claimName: 'data' } },
            { name: 'scratch', ephemeral: {} },
            { name: 'e', emptyDir: {} },
          ],
        },
      }),
    ).toEqual(['data', 'web-scratch']);
  });
});
