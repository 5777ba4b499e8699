import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { setBridge } from '../lib/bridge';
import { fakeBridge } from '../test-bridge';
import type { ClusterSnapshot, ConnectionTestQuery, ConnectionTestResult } from '../../../electron/app/ipc-contract';
import ClusterView from './ClusterView.svelte';

const pod = (name: string, ip: string, nodeName: string) => ({
  namespace: 'default',
  name,
  uid: name,
  phase: 'Running',
  status: 'Running',
  ready: '1/1',
  restarts: 0,
  nodeName,
  created: '2026-01-01T00:00:00Z',
  ip,
});
const snap: ClusterSnapshot = {
  nodes: [
    {
      name: 'w1',
      ready: true,
      powered: true,
      roles: [],
      unschedulable: false,
      kubeletVersion: 'v1.33.4',
      taints: [],
      internalIP: '172.18.0.3',
      podCIDR: '10.244.1.0/24',
    },
  ],
  pods: [pod('client', '10.244.1.2', 'w1'), pod('web', '10.244.1.3', 'w1')],
  events: [],
  storage: { claims: [], volumes: [], classes: [], snapshots: [] },
  services: [
    {
      namespace: 'default',
      name: 'web',
      type: 'NodePort',
      clusterIP: '10.96.0.50',
      externalIPs: [],
      ports: [{ port: 8080, protocol: 'TCP', targetPort: '80', nodePort: 30080 }],
      endpoints: [{ ip: '10.244.1.3', ready: true, nodeName: 'w1', pod: 'web' }],
    },
  ],
};
const dropped: ConnectionTestResult = {
  from: 'default/client (10.244.1.2)',
  target: 'web:8080',
  outcome: 'timeout',
  hops: [
    { kind: 'source', ok: true, text: 'default/client 10.244.1.2 on w1' },
    { kind: 'dns', ok: true, text: 'web → 10.96.0.50' },
    { kind: 'service', ok: true, text: 'default/web 10.96.0.50:8080 -> 10.244.1.3:80 on w1' },
    { kind: 'route', ok: true, text: 'same node' },
    { kind: 'policy', ok: false, text: 'NetworkPolicy: denied by default/deny' },
  ],
  policies: ['default/deny'],
};

afterEach(() => cleanup());

describe('ClusterView network facts and connection tester', () => {
  it('shows pod IPs, the node pod CIDR and Services with endpoints, and traces a connection', async () => {
    const queries: ConnectionTestQuery[] = [];
    setBridge(
      fakeBridge({
        'cluster.watch': () => snap,
        'cluster.unwatch': () => undefined,
        'network.trace': (q) => {
          queries.push(q);
          return dropped;
        },
      }),
    );
    render(ClusterView);
    await waitFor(() => expect(screen.getByTestId('node-net').textContent).toContain('10.244.1.0/24'));
    expect(screen.getAllByTestId('pod-ip').map((e) => e.textContent)).toEqual(['10.244.1.2', '10.244.1.3']);
    expect(screen.getByTestId('service-endpoints').textContent).toContain('10.244.1.3 (web)');
    expect(screen.getByTestId('service').textContent).toContain('8080:30080/TCP → 80');

    // a Service target suggests its first port; the query names the source pod and the Service
    await fireEvent.change(screen.getByTestId('ct-target'), { target: { value: 'default/web' } });
    await waitFor(() => expect((screen.getByTestId('ct-port') as HTMLInputElement).value).toBe('8080'));
    await fireEvent.click(screen.getByTestId('ct-run'));
    await waitFor(() => expect(screen.getAllByTestId('ct-hop')).toHaveLength(5));
    expect(queries).toEqual([{ from: { namespace: 'default', name: 'client' }, to: { kind: 'service', namespace: 'default', name: 'web', port: 8080 } }]);
    expect(screen.getByTestId('ct-outcome').textContent).toBe('timed out (dropped)');
    expect(screen.getAllByTestId('ct-hop').at(-1)!.className).toContain('bad');
    expect(screen.getByTestId('ct-policies').textContent).toContain('default/deny');

    // a NodePort on a node: the port follows the cluster's NodePort
    await fireEvent.change(screen.getByTestId('ct-kind'), { target: { value: 'node' } });
    await waitFor(() => expect((screen.getByTestId('ct-port') as HTMLInputElement).value).toBe('30080'));
    await fireEvent.click(screen.getByTestId('ct-run'));
    await waitFor(() => expect(queries).toHaveLength(2));
    expect(queries[1].to).toEqual({ kind: 'node', name: 'w1', port: 30080 });
  });
});
