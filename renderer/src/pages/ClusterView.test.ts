import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { setBridge } from '../lib/bridge';
import { fakeBridge } from '../test-bridge';
import type { ClusterSnapshot, NodeView } from '../../../electron/app/ipc-contract';
import ClusterView from './ClusterView.svelte';

afterEach(() => cleanup());

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
    const snap: ClusterSnapshot = { nodes: [node('w1'), node('w2', { powered: false })], pods: [], events: [], nodeGraceSeconds: 40 };
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
});
