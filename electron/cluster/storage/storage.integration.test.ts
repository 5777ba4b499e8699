// The storage stack through the API of a real in-process cluster: the PV controller, protection finalizers, the
// CSI driver's sidecars, attach/detach, the scheduler's VolumeBinding, expansion, snapshots, restore and clone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestCluster, waitFor, type TestCluster } from '../../../test/harness';
import { R } from '../client/resources';
import type { KObject } from '../api/types';
import { SNAPSHOT_R } from '../snapshot/crds';
import { createInformerFactory } from '../client/informer';
import { storageScheduling } from './scheduling';

let tc: TestCluster;
const NS = 'default';
beforeAll(async () => {
  tc = await startTestCluster({ nodes: 3 });
}, 90_000);
afterAll(async () => {
  await tc?.stop();
});

const pvc = (name: string, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const pod = (name: string, claim: string, script = 'true', extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `${script}; sleep 3600`], volumeMounts: [{ name: 'd', mountPath: '/data' }] }],
    volumes: [{ name: 'd', persistentVolumeClaim: { claimName: claim } }],
    ...extra,
  },
});
const get = (r: typeof R.pods, name: string, ns?: string) => tc.client.get(r, r === R.persistentvolumes ? undefined : (ns ?? NS), name);
const phase = async (r: typeof R.pods, name: string) => (await get(r, name)).status?.phase;
const events = async (name: string) => (await tc.client.list(R.events, NS)).items.filter((e) => e.involvedObject?.name === name);
const hasEvent = async (name: string, reason: string, message?: string) =>
  (await events(name)).some((e) => e.reason === reason && (message === undefined || e.message === message));
const volumeDir = (node: string, handle: string) => path.join(tc.dataDir, 'nodes', node, 'csi', 'hostpath.csi.k8s.io', 'volumes', handle);
/** waits for a value and hands it back typed (waitFor's result keeps the falsy alternatives) */
const until = async <T>(fn: () => Promise<T | undefined>): Promise<T> => (await waitFor(fn, { timeoutMs: 40_000 })) as T;
const running = (name: string) => waitFor(async () => (await phase(R.pods, name)) === 'Running', { what: `pod ${name} Running`, timeoutMs: 40_000 });
const deletePod = async (name: string) => {
  await tc.client.delete(R.pods, NS, name, { gracePeriodSeconds: 0 });
  await waitFor(async () => !(await tc.client.list(R.pods, NS)).items.some((p) => p.metadata.name === name), { what: `pod ${name} gone` });
};

describe('dynamic provisioning with WaitForFirstConsumer', () => {
  it('waits for a consumer, provisions on its node, attaches, and keeps the data across pods', async () => {
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('data'));
    await waitFor(() => hasEvent('data', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding'), {
      what: 'WaitForFirstConsumer event',
    });
    const claim = await get(R.persistentvolumeclaims, 'data');
    expect(claim.status?.phase).toBe('Pending');
    expect(claim.spec?.storageClassName).toBe('standard');
    expect(claim.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);

    await tc.client.create(R.pods, NS, pod('writer', 'data', 'echo kept > /data/hello.txt'));
    await running('writer');
    const bound = await until(async () => {
      const c = await get(R.persistentvolumeclaims, 'data');
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    const node = (await get(R.pods, 'writer')).spec?.nodeName;
    expect(bound.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe(node);
    expect(bound.spec?.volumeName).toBe(`pvc-${bound.metadata.uid}`);
    expect(bound.status?.capacity?.storage).toBe('1Gi');
    const pv = await get(R.persistentvolumes, bound.spec!.volumeName);
    expect(pv.spec?.csi).toMatchObject({ driver: 'hostpath.csi.k8s.io', volumeHandle: bound.metadata.uid });
    expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]).toEqual({
      key: 'topology.hostpath.csi/node',
      operator: 'In',
      values: [node],
    });
    expect(pv.spec?.claimRef).toMatchObject({ name: 'data', namespace: NS, uid: bound.metadata.uid });
    expect(pv.status?.phase).toBe('Bound');
    expect(pv.metadata.finalizers).toContain('kubernetes.io/pv-protection');
    for (const reason of ['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']) expect(await hasEvent('data', reason)).toBe(true);
    const va: KObject = await until(async () =>
      (await tc.client.list(R.volumeattachments)).items.find((a) => a.spec?.source?.persistentVolumeName === pv.metadata.name && a.status?.attached),
    );
    expect(va.spec?.nodeName).toBe(node);
    expect(va.metadata.finalizers).toContain('external-attacher/hostpath-csi-k8s-io');
    // the file the pod wrote is in the volume's folder under its node
    await waitFor(() => fs.existsSync(path.join(volumeDir(node, bound.metadata.uid!), 'hello.txt')), { what: 'file in the volume folder' });

    // a claim in use stays Terminating until its pod is gone
    await tc.client.delete(R.persistentvolumeclaims, NS, 'data');
    expect((await get(R.persistentvolumeclaims, 'data')).metadata.deletionTimestamp).toBeTruthy();
    await deletePod('writer');
    // detach follows the pod; Delete reclaim removes the PV, then its folder
    await waitFor(async () => !(await tc.client.list(R.persistentvolumeclaims, NS)).items.some((c) => c.metadata.name === 'data'), { what: 'claim gone' });
    await waitFor(async () => !(await tc.client.list(R.persistentvolumes)).items.some((v) => v.metadata.name === pv.metadata.name), { what: 'PV deleted' });
    await waitFor(() => !fs.existsSync(volumeDir(node, bound.metadata.uid!)), { what: 'volume folder removed' });
    await waitFor(async () => !(await tc.client.list(R.volumeattachments)).items.some((a) => a.metadata.name === va.metadata.name), { what: 'detached' });
  });
});

describe('static volumes', () => {
  it('binds the smallest fit, keeps a Retain volume Released and fails Delete on a volume nothing can delete', async () => {
    for (const [name, size, policy] of [
      ['st-big', '10Gi', 'Retain'],
      ['st-fit', '5Gi', 'Retain'],
      ['st-del', '2Gi', 'Delete'],
    ] as const) {
      await tc.client.create(R.persistentvolumes, undefined, {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name },
        spec: {
          capacity: { storage: size },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: policy,
          storageClassName: 'manual',
          hostPath: { path: `/mnt/${name}` },
        },
      });
    }
    await waitFor(async () => (await phase(R.persistentvolumes, 'st-fit')) === 'Available');
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('st-a', { storageClassName: 'manual', resources: { requests: { storage: '3Gi' } } }));
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('st-b', { storageClassName: 'manual', resources: { requests: { storage: '1Gi' } } }));
    const a = await until(async () => {
      const c = await get(R.persistentvolumeclaims, 'st-a');
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    const b = await until(async () => {
      const c = await get(R.persistentvolumeclaims, 'st-b');
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    expect([a.spec?.volumeName, a.status?.capacity?.storage]).toEqual(['st-fit', '5Gi']);
    expect(b.spec?.volumeName).toBe('st-del');
    expect(a.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    await tc.client.delete(R.persistentvolumeclaims, NS, 'st-a');
    await tc.client.delete(R.persistentvolumeclaims, NS, 'st-b');
    await waitFor(async () => (await phase(R.persistentvolumes, 'st-fit')) === 'Released', { what: 'Retain → Released' });
    await waitFor(async () => (await phase(R.persistentvolumes, 'st-del')) === 'Failed', { what: 'Delete without a deleter → Failed' });
    expect((await get(R.persistentvolumes, 'st-fit')).spec?.claimRef?.name).toBe('st-a');
    expect(await hasEvent('st-del', 'VolumeFailedDelete', 'error getting deleter volume plugin for volume "st-del": no deletable volume plugin matched')).toBe(
      true,
    );
    // a pre-bound volume only takes its claim
    await tc.client.create(R.persistentvolumes, undefined, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'st-pre' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'manual',
        hostPath: { path: '/mnt/pre' },
        claimRef: { namespace: NS, name: 'st-mine' },
      },
    });
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('st-mine', { storageClassName: 'manual' }));
    await waitFor(async () => (await get(R.persistentvolumeclaims, 'st-mine')).spec?.volumeName === 'st-pre', { what: 'pre-bound claim bound' });
    // a bound volume being deleted waits for its claim (pv-protection)
    await tc.client.delete(R.persistentvolumes, undefined, 'st-pre');
    expect((await get(R.persistentvolumes, 'st-pre')).metadata.deletionTimestamp).toBeTruthy();
    await tc.client.delete(R.persistentvolumeclaims, NS, 'st-mine');
    await waitFor(async () => !(await tc.client.list(R.persistentvolumes)).items.some((v) => v.metadata.name === 'st-pre'), { what: 'pv-protection released' });
  });

  it('tells why a claim cannot bind: no class, a missing class', async () => {
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('nc', { storageClassName: '' }));
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('mc', { storageClassName: 'missing' }));
    await waitFor(() => hasEvent('nc', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set'), {
      what: 'FailedBinding',
    });
    await waitFor(() => hasEvent('mc', 'ProvisioningFailed', 'storageclass.storage.k8s.io "missing" not found'), { what: 'ProvisioningFailed' });
  });
});

describe('scheduling with volumes', () => {
  it("rejects nodes outside a bound volume's node affinity and pods with unbound Immediate claims", async () => {
    await tc.client.create(R.persistentvolumes, undefined, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'sch-local' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'local',
        local: { path: '/mnt/disk' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['nowhere'] }] }] } },
      },
    });
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('sch-a', { storageClassName: 'local' }));
    await waitFor(async () => (await phase(R.persistentvolumeclaims, 'sch-a')) === 'Bound');
    await tc.client.create(R.pods, NS, pod('sch-pod', 'sch-a'));
    // the control-plane node is rejected first by its taint
    await waitFor(
      () =>
        hasEvent(
          'sch-pod',
          'FailedScheduling',
          '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
        ),
      { what: 'node affinity conflict' },
    );
    await tc.client.create(R.storageclasses, undefined, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'immediate' },
      provisioner: 'example.com/none',
      volumeBindingMode: 'Immediate',
    });
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('sch-b', { storageClassName: 'immediate' }));
    await tc.client.create(R.pods, NS, pod('sch-pod2', 'sch-b'));
    await waitFor(
      async () =>
        (await events('sch-pod2')).some(
          (e) => e.reason === 'FailedScheduling' && e.message.startsWith('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.'),
        ),
      { what: 'unbound immediate' },
    );
    await tc.client.create(R.pods, NS, pod('sch-pod3', 'nope'));
    await waitFor(
      async () =>
        (await events('sch-pod3')).some(
          (e) => e.reason === 'FailedScheduling' && e.message.startsWith('0/3 nodes are available: persistentvolumeclaim "nope" not found.'),
        ),
      { what: 'missing claim' },
    );
  });

  it('holds the Binding back until the WaitForFirstConsumer claims are bound (PreBind), and lets go when the pod goes', async () => {
    // a restore from a snapshot that does not exist: the node is chosen, but the provisioner cannot make the volume
    await tc.client.create(
      R.persistentvolumeclaims,
      NS,
      pvc('hold', { dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'no-such-snapshot' } }),
    );
    await tc.client.create(R.pods, NS, pod('held', 'hold'));
    const claim = await until(async () => {
      const c = await get(R.persistentvolumeclaims, 'hold');
      return c.metadata.annotations?.['volume.kubernetes.io/selected-node'] ? c : undefined;
    });
    await waitFor(() => hasEvent('hold', 'ProvisioningFailed'), { what: 'ProvisioningFailed' });
    expect(claim.status?.phase).toBe('Pending');
    // the pod is not bound to the node while its claim is not bound
    const held = await get(R.pods, 'held');
    expect(held.spec?.nodeName).toBeUndefined();
    expect(await hasEvent('held', 'Scheduled')).toBe(false);
    await deletePod('held');
    await tc.client.delete(R.persistentvolumeclaims, NS, 'hold');

    // a claim that can be provisioned: by the time the pod has its node, the claim is Bound
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('hold2'));
    await tc.client.create(R.pods, NS, pod('held2', 'hold2'));
    await until(async () => (await get(R.pods, 'held2')).spec?.nodeName);
    expect(await phase(R.persistentvolumeclaims, 'hold2')).toBe('Bound');
    await deletePod('held2');
  });

  it('keeps a second pod off a ReadWriteOncePod claim in use until the first pod goes (VolumeRestrictions)', async () => {
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('solo', { accessModes: ['ReadWriteOncePod'] }));
    await tc.client.create(R.pods, NS, pod('solo-a', 'solo'));
    await running('solo-a');
    await tc.client.create(R.pods, NS, pod('solo-b', 'solo'));
    await waitFor(
      async () =>
        (await events('solo-b')).some(
          (e) =>
            e.reason === 'FailedScheduling' &&
            e.message.startsWith(
              '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode.',
            ),
        ),
      { what: 'ReadWriteOncePod conflict' },
    );
    expect((await get(R.pods, 'solo-b')).spec?.nodeName).toBeUndefined();
    await deletePod('solo-a');
    await running('solo-b');
    await deletePod('solo-b');
  });

  it("PreBind gives up at the bind timeout with upstream's error, and at once when the pod goes", async () => {
    // a second VolumeBinding hook with a short timeout, driven directly (the cluster's own waits 600 s)
    const informers = createInformerFactory(tc.client);
    const hook = storageScheduling(tc.client, informers, { bindTimeoutMs: 300 });
    informers.start();
    try {
      await tc.client.create(
        R.persistentvolumeclaims,
        NS,
        pvc('late', { dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'no-such-snapshot' } }),
      );
      // a pod the real scheduler cannot bind meanwhile: it names a scheduler that does not run
      const p = await tc.client.create(R.pods, NS, pod('late', 'late', 'true', { schedulerName: 'nobody' }));
      await waitFor(async () => informers.informer(R.persistentvolumeclaims).getByName(NS, 'late') && informers.informer(R.pods).getByName(NS, 'late'), {
        what: 'the hook sees the claim and the pod',
      });
      await expect(hook.preBind!(p as never, 'kubelab-worker')).rejects.toThrow('binding volumes: context deadline exceeded');
      // a pod deleted while its Binding waits frees the wait at once (404: the scheduler drops the pod)
      const waiting = hook.preBind!(p as never, 'kubelab-worker');
      await deletePod('late');
      await expect(waiting).rejects.toMatchObject({ code: 404 });
      await tc.client.delete(R.persistentvolumeclaims, NS, 'late');
    } finally {
      informers.stop();
    }
  });
});

describe('expansion', () => {
  it('grows a claim through FileSystemResizePending to the new capacity; refuses shrinking and classes without expansion', async () => {
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('grow'));
    await tc.client.create(R.pods, NS, pod('grow-pod', 'grow'));
    await running('grow-pod');
    await waitFor(async () => (await phase(R.persistentvolumeclaims, 'grow')) === 'Bound');
    await tc.client.patch(R.persistentvolumeclaims, NS, 'grow', 'merge', { spec: { resources: { requests: { storage: '2Gi' } } } });
    await waitFor(async () => (await get(R.persistentvolumeclaims, 'grow')).status?.capacity?.storage === '2Gi', { what: 'capacity 2Gi' });
    const c = await get(R.persistentvolumeclaims, 'grow');
    expect(c.status?.conditions ?? []).toEqual([]);
    expect((await get(R.persistentvolumes, c.spec!.volumeName)).spec?.capacity?.storage).toBe('2Gi');
    for (const reason of ['Resizing', 'FileSystemResizeRequired']) expect(await hasEvent('grow', reason)).toBe(true);
    expect(await hasEvent('grow-pod', 'FileSystemResizeSuccessful')).toBe(true);
    await expect(tc.client.patch(R.persistentvolumeclaims, NS, 'grow', 'merge', { spec: { resources: { requests: { storage: '1Gi' } } } })).rejects.toThrow(
      'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    );
    await tc.client.create(R.persistentvolumes, undefined, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'fixed' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'fixed', hostPath: { path: '/mnt/fixed' } },
    });
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('fixed', { storageClassName: 'fixed' }));
    await waitFor(async () => (await phase(R.persistentvolumeclaims, 'fixed')) === 'Bound');
    await expect(tc.client.patch(R.persistentvolumeclaims, NS, 'fixed', 'merge', { spec: { resources: { requests: { storage: '5Gi' } } } })).rejects.toThrow(
      'persistentvolumeclaims "fixed" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );
  });
});

describe('snapshots, restore and clone', () => {
  it('snapshots a claim point-in-time, restores it into a new claim, clones a claim, and deletes the copy with the snapshot', async () => {
    const crds = (await tc.client.list(R.customresourcedefinitions)).items.map((c) => c.metadata.name);
    expect(crds).toEqual(
      expect.arrayContaining([
        'volumesnapshots.snapshot.storage.k8s.io',
        'volumesnapshotcontents.snapshot.storage.k8s.io',
        'volumesnapshotclasses.snapshot.storage.k8s.io',
      ]),
    );
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('src'));
    await tc.client.create(R.pods, NS, pod('src-pod', 'src', 'echo one > /data/a.txt'));
    await running('src-pod');
    const src = await until(async () => {
      const c = await get(R.persistentvolumeclaims, 'src');
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    const node = (await get(R.pods, 'src-pod')).spec?.nodeName;
    const srcDir = volumeDir(node, src.metadata.uid!);
    await waitFor(() => fs.existsSync(path.join(srcDir, 'a.txt')));
    // no class named: the driver's default VolumeSnapshotClass is filled in
    await tc.client.create(SNAPSHOT_R.volumesnapshots, NS, {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshot',
      metadata: { name: 'snap' },
      spec: { source: { persistentVolumeClaimName: 'src' } },
    });
    const vs = await until(async () => {
      const s = await tc.client.get(SNAPSHOT_R.volumesnapshots, NS, 'snap');
      return s.status?.readyToUse ? s : undefined;
    });
    expect(vs.spec?.volumeSnapshotClassName).toBe('csi-hostpath-snapclass');
    expect(vs.status).toMatchObject({ boundVolumeSnapshotContentName: `snapcontent-${vs.metadata.uid}`, restoreSize: '1Gi' });
    expect(vs.status?.creationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(vs.metadata.finalizers).toEqual(
      expect.arrayContaining([
        'snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection',
        'snapshot.storage.kubernetes.io/volumesnapshot-bound-protection',
      ]),
    );
    const content = await tc.client.get(SNAPSHOT_R.volumesnapshotcontents, undefined, vs.status.boundVolumeSnapshotContentName);
    expect(content.spec).toMatchObject({
      deletionPolicy: 'Delete',
      driver: 'hostpath.csi.k8s.io',
      source: { volumeHandle: src.metadata.uid },
      volumeSnapshotRef: { name: 'snap', namespace: NS, uid: vs.metadata.uid },
    });
    expect(content.status).toMatchObject({ readyToUse: true, restoreSize: 1024 ** 3, snapshotHandle: `snapshot-${content.metadata.uid}` });
    fs.writeFileSync(path.join(srcDir, 'later.txt'), 'after the snapshot');

    // restore: smaller than restoreSize fails; the right size gets the snapshot-time files
    await tc.client.create(
      R.persistentvolumeclaims,
      NS,
      pvc('small', {
        resources: { requests: { storage: '500Mi' } },
        dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' },
      }),
    );
    await tc.client.create(R.pods, NS, pod('small-pod', 'small'));
    await waitFor(
      async () =>
        (await events('small')).some(
          (e) =>
            e.reason === 'ProvisioningFailed' &&
            e.message.includes('requested volume size 524288000 is less than the size 1073741824 for the source snapshot snap'),
        ),
      { what: 'restore size rule' },
    );
    await tc.client.create(
      R.persistentvolumeclaims,
      NS,
      pvc('restored', { dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' } }),
    );
    await tc.client.create(R.pods, NS, pod('restored-pod', 'restored'));
    await running('restored-pod');
    const restored = await get(R.persistentvolumeclaims, 'restored');
    const rNode = (await get(R.pods, 'restored-pod')).spec?.nodeName;
    const rDir = volumeDir(rNode, restored.metadata.uid!);
    expect(fs.readFileSync(path.join(rDir, 'a.txt'), 'utf8')).toBe('one\n');
    expect(fs.existsSync(path.join(rDir, 'later.txt'))).toBe(false);

    // clone: the source's current files
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('clone', { dataSource: { kind: 'PersistentVolumeClaim', name: 'src' } }));
    await tc.client.create(R.pods, NS, pod('clone-pod', 'clone'));
    await running('clone-pod');
    const clone = await get(R.persistentvolumeclaims, 'clone');
    const cDir = volumeDir((await get(R.pods, 'clone-pod')).spec?.nodeName, clone.metadata.uid!);
    expect(fs.readFileSync(path.join(cDir, 'later.txt'), 'utf8')).toBe('after the snapshot');

    // deleting the snapshot deletes its content and the copy on disk (deletionPolicy Delete)
    const copy = path.join(tc.dataDir, 'nodes', node, 'csi', 'hostpath.csi.k8s.io', 'snapshots', content.status.snapshotHandle);
    expect(fs.existsSync(copy)).toBe(true);
    await deletePod('small-pod');
    await tc.client.delete(R.persistentvolumeclaims, NS, 'small');
    await tc.client.delete(SNAPSHOT_R.volumesnapshots, NS, 'snap');
    await waitFor(async () => !(await tc.client.list(SNAPSHOT_R.volumesnapshotcontents)).items.some((c) => c.metadata.name === content.metadata.name), {
      what: 'content deleted',
    });
    await waitFor(async () => !(await tc.client.list(SNAPSHOT_R.volumesnapshots, NS)).items.length, { what: 'snapshot deleted' });
    expect(fs.existsSync(copy)).toBe(false);
  });
});

describe('generic ephemeral volumes', () => {
  it('creates the claim <pod>-<volume> owned by the pod and mounts it', async () => {
    await tc.client.create(R.pods, NS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'eph' },
      spec: {
        containers: [
          { name: 'c', image: 'busybox', command: ['sh', '-c', 'echo x > /scratch/f; sleep 3600'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] },
        ],
        volumes: [
          { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
        ],
      },
    });
    await running('eph');
    const claim = await get(R.persistentvolumeclaims, 'eph-scratch');
    const owner = await get(R.pods, 'eph');
    expect(claim.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Pod', name: 'eph', uid: owner.metadata.uid, controller: true });
    expect(claim.status?.phase).toBe('Bound');
  });
});

describe('data safety', () => {
  it('a CSI volume handle that would escape the driver folder is refused at mount', async () => {
    await tc.client.create(R.persistentvolumes, undefined, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'evil' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'evil',
        csi: { driver: 'hostpath.csi.k8s.io', volumeHandle: '../../../../etc' },
      },
    });
    await tc.client.create(R.persistentvolumeclaims, NS, pvc('evil', { storageClassName: 'evil' }));
    await tc.client.create(R.pods, NS, pod('evil-pod', 'evil'));
    await waitFor(async () => (await events('evil-pod')).some((e) => e.reason === 'FailedMount' && /invalid volume ID/.test(e.message)), {
      what: 'FailedMount',
      timeoutMs: 40_000,
    });
    expect((await get(R.pods, 'evil-pod')).status?.phase).toBe('Pending');
  });
});

describe('snapshot API rules', () => {
  it('needs exactly one source, keeps it fixed and refuses an empty class name', async () => {
    const vs = (name: string, spec: Record<string, unknown>): KObject => ({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshot',
      metadata: { name },
      spec,
    });
    await expect(
      tc.client.create(SNAPSHOT_R.volumesnapshots, NS, vs('both', { source: { persistentVolumeClaimName: 'a', volumeSnapshotContentName: 'b' } })),
    ).rejects.toThrow(
      'VolumeSnapshot.snapshot.storage.k8s.io "both" is invalid: spec.source: Invalid value: "object": exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set',
    );
    await expect(
      tc.client.create(SNAPSHOT_R.volumesnapshots, NS, vs('empty-class', { source: { persistentVolumeClaimName: 'a' }, volumeSnapshotClassName: '' })),
    ).rejects.toThrow('spec.volumeSnapshotClassName: Invalid value: "string": volumeSnapshotClassName must not be the empty string when set');
    await tc.client.create(SNAPSHOT_R.volumesnapshots, NS, vs('fixed', { source: { persistentVolumeClaimName: 'a' } }));
    await expect(tc.client.patch(SNAPSHOT_R.volumesnapshots, NS, 'fixed', 'merge', { spec: { source: { persistentVolumeClaimName: 'b' } } })).rejects.toThrow(
      'spec.source.persistentVolumeClaimName: Invalid value: "string": persistentVolumeClaimName is immutable',
    );
    await tc.client.delete(SNAPSHOT_R.volumesnapshots, NS, 'fixed');
  });
});

describe('StatefulSet volumeClaimTemplates', () => {
  it('gives each replica its bound claim, and deletes them with the set when the retention policy says so', async () => {
    await tc.client.create(R.statefulsets, NS, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        serviceName: 'web',
        selector: { matchLabels: { app: 'web' } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    await waitFor(async () => (await phase(R.pods, 'web-1')) === 'Running', { what: 'web-1 Running', timeoutMs: 40_000 });
    for (const n of ['data-web-0', 'data-web-1']) expect(await phase(R.persistentvolumeclaims, n)).toBe('Bound');
    await tc.client.delete(R.statefulsets, NS, 'web');
    await waitFor(async () => !(await tc.client.list(R.persistentvolumeclaims, NS)).items.some((c) => c.metadata.name?.startsWith('data-web-')), {
      what: 'claims deleted with the set',
      timeoutMs: 40_000,
    });
  });
});
