// "View as" in the cluster view: the lists come from cluster.viewAs for the chosen subject, hidden objects
// disappear, and a note quotes what the API server refused.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { setBridge } from '../lib/bridge';
import { fakeBridge } from '../test-bridge';
import type { ClusterSnapshot, PodView, ViewAsResult } from '../../../electron/app/ipc-contract';
import ClusterView from './ClusterView.svelte';

const pod = (namespace: string, name: string): PodView => ({
  namespace,
  name,
  uid: `${namespace}/${name}`,
  phase: 'Running',
  status: 'Running',
  ready: '1/1',
  restarts: 0,
  nodeName: 'w1',
  created: '2026-01-01T00:00:00Z',
});
const empty = { claims: [], volumes: [], classes: [], snapshots: [] };
const admin: ClusterSnapshot = {
  nodes: [{ name: 'w1', ready: true, roles: [], kubeletVersion: 'v1.33.4', taints: [], powered: true } as never],
  pods: [pod('team-a', 'web'), pod('kube-system', 'coredns')],
  events: [],
  services: [],
  storage: empty,
};
const asBot: ViewAsResult = {
  user: 'system:serviceaccount:team-a:bot',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
  snapshot: { nodes: [], pods: [pod('team-a', 'web')], events: [], services: [], storage: empty },
  forbidden: [
    {
      resource: 'nodes',
      message: 'nodes is forbidden: User "system:serviceaccount:team-a:bot" cannot list resource "nodes" in API group "" at the cluster scope',
      allowedIn: [],
    },
    {
      resource: 'pods',
      message: 'pods is forbidden: User "system:serviceaccount:team-a:bot" cannot list resource "pods" in API group "" at the cluster scope',
      allowedIn: ['team-a'],
    },
  ],
};

afterEach(() => cleanup());

describe('ClusterView view as', () => {
  it('fetches the lists as a ServiceAccount, hides what it may not see and quotes the refusals', async () => {
    const b = fakeBridge({ 'cluster.watch': () => admin, 'cluster.unwatch': () => undefined, 'cluster.viewAs': () => asBot });
    setBridge(b);
    render(ClusterView);
    await waitFor(() => expect(screen.getAllByTestId('pod')).toHaveLength(2));
    await fireEvent.change(screen.getByTestId('view-as-kind'), { target: { value: 'ServiceAccount' } });
    await fireEvent.input(await screen.findByTestId('view-as-name'), { target: { value: 'team-a/bot' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(b.calls.find((c) => c.method === 'cluster.viewAs')?.params).toEqual({ kind: 'ServiceAccount', namespace: 'team-a', name: 'bot' });
    const note = await screen.findByTestId('view-as-note');
    expect(note.textContent).toContain('system:serviceaccount:team-a:bot');
    const lines = screen.getAllByTestId('view-as-forbidden').map((l) => l.textContent);
    expect(lines[0]).toContain('cannot list resource "nodes" in API group "" at the cluster scope');
    expect(lines[1]).toMatch(/cannot list resource "pods"[\s\S]*allowed only in: team-a/);
    // kube-system's pod is gone; the bot's pod stays, under the nodes it cannot list
    expect(screen.getAllByTestId('pod').map((p) => p.getAttribute('title'))).toEqual(['team-a/web: Running']);
    expect(screen.getByTestId('hidden-nodes')).toBeTruthy();
    expect(screen.queryAllByTestId('node')).toHaveLength(0);
    // a change in the cluster refreshes the impersonated view too
    b.emit('cluster.changed', admin);
    await waitFor(() => expect(b.calls.filter((c) => c.method === 'cluster.viewAs')).toHaveLength(2));
    // back to the administrator's view
    await fireEvent.change(screen.getByTestId('view-as-kind'), { target: { value: '' } });
    await waitFor(() => expect(screen.getAllByTestId('pod')).toHaveLength(2));
    expect(screen.queryByTestId('view-as-note')).toBeNull();
  });

  it('asks for nothing until a ServiceAccount is named as namespace/name', async () => {
    const b = fakeBridge({ 'cluster.watch': () => admin, 'cluster.unwatch': () => undefined, 'cluster.viewAs': () => asBot });
    setBridge(b);
    render(ClusterView);
    await fireEvent.change(screen.getByTestId('view-as-kind'), { target: { value: 'ServiceAccount' } });
    await fireEvent.input(await screen.findByTestId('view-as-name'), { target: { value: 'bot' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(b.calls.some((c) => c.method === 'cluster.viewAs')).toBe(false);
    expect(screen.queryByTestId('view-as-note')).toBeNull();
  });
});
