import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { setBridge } from '../lib/bridge';
import { setLang } from '../lib/i18n.svelte';
import { fakeBridge } from '../test-bridge';
import type { ClusterSnapshot, NodeView, ObjectRef, StorageSnapshot } from '../../../electron/app/ipc-contract';
import ClusterView from './ClusterView.svelte';

const classes: StorageSnapshot['classes'] = [
  { name: 'standard', provisioner: 'hostpath.csi.k8s.io', isDefault: true, bindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete', allowExpansion: true },
];
const pending: StorageSnapshot = {
  claims: [
    { namespace: 'lab', name: 'data', uid: 'c1', status: 'Pending', capacity: '1Gi', accessModes: ['ReadWriteOnce'], storageClass: 'standard', usedBy: [] },
  ],
  volumes: [],
  classes,
  snapshots: [],
};
const bound: StorageSnapshot = {
  claims: [
    {
      namespace: 'lab',
      name: 'data',
      uid: 'c1',
      status: 'Bound',
      volume: 'pvc-c1',
      capacity: '1Gi',
      accessModes: ['ReadWriteOnce'],
      storageClass: 'standard',
      selectedNode: 'kubelab-worker',
      usedBy: ['writer'],
    },
    { namespace: 'other', name: 'elsewhere', uid: 'c2', status: 'Pending', capacity: '2Gi', accessModes: ['ReadWriteOnce'], usedBy: [] },
  ],
  volumes: [
    {
      name: 'pvc-c1',
      uid: 'v1',
      status: 'Bound',
      capacity: '1Gi',
      reclaimPolicy: 'Delete',
      claim: 'lab/data',
      storageClass: 'standard',
      source: 'hostpath.csi.k8s.io',
      node: 'kubelab-worker',
      attachments: [{ node: 'kubelab-worker', attached: true }],
    },
  ],
  classes,
  snapshots: [{ namespace: 'lab', name: 'snap1', uid: 's1', source: 'pvc/data', ready: true, restoreSize: '1Gi', snapshotClass: 'csi-hostpath-snapclass' }],
};
const snap = (storage: StorageSnapshot): ClusterSnapshot => ({ nodes: [], pods: [], events: [], services: [], storage });

afterEach(() => {
  cleanup();
  setLang('en');
});

describe('ClusterView storage', () => {
  it('shows claims, volumes, snapshots and classes with their bindings, follows pushed changes, and opens a claim', async () => {
    const opened: ObjectRef[] = [];
    const b = fakeBridge({
      'cluster.watch': () => snap(pending),
      'cluster.unwatch': () => undefined,
      'cluster.object': (ref) => {
        opened.push(ref);
        return { yaml: 'kind: PersistentVolumeClaim', describe: 'Name: data', events: [] };
      },
    });
    setBridge(b);
    render(ClusterView);
    const claim = await waitFor(() => screen.getAllByTestId('claim').find((r) => r.dataset.name === 'lab/data')!);
    expect(claim.textContent).toContain('Pending');
    expect(claim.textContent).toContain('waiting for a pod');
    expect(within(screen.getByTestId('volumes')).getByText('None')).toBeTruthy();
    expect(screen.getAllByTestId('class')[0].textContent).toContain('standard (default)');

    // the PV controller binds the claim: the main process pushes the new picture
    b.emit('cluster.changed', snap(bound));
    await waitFor(() => expect(screen.getAllByTestId('claim').find((r) => r.dataset.name === 'lab/data')!.textContent).toContain('Bound'));
    const row = screen.getAllByTestId('claim').find((r) => r.dataset.name === 'lab/data')!;
    expect(row.textContent).toContain('pvc-c1');
    expect(row.textContent).toContain('writer');
    const volume = screen.getAllByTestId('volume')[0];
    expect(volume.textContent).toContain('lab/data');
    expect(volume.textContent).toContain('kubelab-worker');
    expect(screen.getAllByTestId('snapshot')[0].textContent).toContain('Ready');
    expect(screen.getAllByTestId('snapshot')[0].textContent).toContain('pvc/data');

    // a namespace filter keeps that namespace's claims (and the volumes bound to them)
    await fireEvent.change(screen.getByRole('combobox', { name: /^Namespace/ }), { target: { value: 'other' } });
    await waitFor(() => expect(screen.getAllByTestId('claim').map((r) => r.dataset.name)).toEqual(['other/elsewhere']));
    expect(screen.queryAllByTestId('volume')).toHaveLength(0);

    await fireEvent.change(screen.getByRole('combobox', { name: /^Namespace/ }), { target: { value: '' } });
    await fireEvent.click(within(screen.getAllByTestId('claim').find((r) => r.dataset.name === 'lab/data')!).getByText('lab/data'));
    await waitFor(() => expect(opened).toEqual([{ kind: 'PersistentVolumeClaim', namespace: 'lab', name: 'data' }]));
    expect(screen.getByTestId('object-drawer')).toBeTruthy();
  });
});

const node = (name: string, o: Partial<NodeView> = {}): NodeView => ({
  name,
  ready: true,
  readyStatus: 'True',
  powered: true,
  roles: [],
  unschedulable: false,
  kubeletVersion: 'v1.33.0',
  taints: [],
  ...o,
});

describe('ClusterView', () => {
  it('says at once that a powered-off node stopped its kubelet, and when it will turn NotReady', async () => {
    const snap: ClusterSnapshot = {
      nodes: [node('w1'), node('w2', { powered: false })],
      pods: [],
      events: [],
      nodeGraceSeconds: 40,
      services: [],
      storage: { claims: [], volumes: [], classes: [], snapshots: [] },
    };
    const b = fakeBridge({ 'cluster.watch': () => snap, 'cluster.unwatch': () => undefined, 'cluster.nodePower': () => undefined });
    setBridge(b);
    render(ClusterView);
    const notes = await screen.findAllByTestId('power-note');
    expect(notes).toHaveLength(1);
    expect(notes[0].textContent).toMatch(/kubelet stopped at once[\s\S]*grace period \(40 s\)[\s\S]*Ready=False/);
    // still Ready until the grace period passes, as upstream; then the controller's Unknown shows
    b.emit('cluster.changed', {
      ...snap,
      nodes: [node('w1'), node('w2', { powered: false, ready: false, readyStatus: 'Unknown', taints: ['node.kubernetes.io/unreachable:NoSchedule'] })],
    });
    await waitFor(() => expect(screen.getAllByTestId('node-ready').map((x) => x.textContent)).toEqual(['Ready', 'NotReady (Unknown)']));
    await fireEvent.click(screen.getAllByRole('button', { name: 'Power off' })[0]);
    expect(b.calls.find((c) => c.method === 'cluster.nodePower')?.params).toEqual({ name: 'w1', on: false });
  });

  it('lists the host ports a pushed snapshot brings, the ingress entry points first', async () => {
    const base: ClusterSnapshot = { nodes: [], pods: [], events: [], services: [], storage: { claims: [], volumes: [], classes: [], snapshots: [] } };
    const b = fakeBridge({ 'cluster.watch': () => base, 'cluster.unwatch': () => undefined });
    setBridge(b);
    render(ClusterView);
    await screen.findByTestId('services');
    expect(screen.queryByTestId('host-ports')).toBeNull();
    b.emit('cluster.changed', {
      ...base,
      hostPorts: [
        { service: 'ingress-nginx/ingress-nginx-controller', nodePort: 31080, url: 'http://127.0.0.1:8080', entry: 'http' },
        { service: 'default/web', nodePort: 30080, url: 'http://127.0.0.1:30080' },
      ],
    });
    const list = await screen.findByTestId('host-ports');
    const links = [...list.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['http://127.0.0.1:8080', 'http://127.0.0.1:30080']);
    expect(list.textContent).toContain('ingress-nginx HTTP');
    expect(list.textContent).toContain('NodePort 30080 · default/web');
  });
});
