import { describe, expect, it } from 'vitest';
import type { KObject } from '../../types';
import { humanDuration, translateTimestampSince } from './age';
import { endpoints } from './endpoints';
import { events } from './events';
import { nodes } from './nodes';
import { pods } from './pods';
import { services } from './services';

const now = new Date('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
const meta = (name: string, ageS = 300) => ({ name, namespace: 'default', creationTimestamp: ago(ageS) });

function podRow(spec: any, status: any, extraMeta: any = {}): unknown[] {
  const p: KObject = { metadata: { ...meta('p'), ...extraMeta }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec }, status };
  return pods.table!.row(p, now);
}
const running = { running: { startedAt: ago(100) } };

describe('age formatting', () => {
  it.each([
    [5, '5s'],
    [119, '119s'],
    [200, '3m20s'],
    [600, '10m'],
    [3 * 3600 + 120, '3h2m'],
    [10 * 3600, '10h'],
    [(2 * 24 + 3) * 3600, '2d3h'],
    [30 * 86400, '30d'],
    [800 * 86400, '2y70d'],
  ])('%ds -> %s', (s, want) => {
    expect(humanDuration(s * 1000)).toBe(want);
  });
  it('unknown timestamps', () => {
    expect(translateTimestampSince(undefined, now)).toBe('<unknown>');
    expect(humanDuration(-1500)).toBe('0s');
  });
});

describe('pod table', () => {
  it('has upstream columns with wide ones at priority 1', () => {
    expect(pods.table!.columns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0',
      'Ready:0',
      'Status:0',
      'Restarts:0',
      'Age:0',
      'IP:1',
      'Node:1',
      'Nominated Node:1',
      'Readiness Gates:1',
    ]);
  });

  it('Running 1/1', () => {
    const row = podRow(
      { nodeName: 'node-1' },
      {
        phase: 'Running',
        podIPs: [{ ip: '10.244.1.5' }],
        containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: running }],
      },
    );
    expect(row).toEqual(['p', '1/1', 'Running', '0', '5m', '10.244.1.5', 'node-1', '<none>', '<none>']);
  });

  it('Pending, unscheduled', () => {
    expect(podRow({}, { phase: 'Pending' }).slice(1, 7)).toEqual(['0/1', 'Pending', '0', '5m', '<none>', '<none>']);
  });

  it('ContainerCreating', () => {
    const row = podRow(
      { nodeName: 'n' },
      { phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
    );
    expect(row[2]).toBe('ContainerCreating');
  });

  it('CrashLoopBackOff with restarts and time of last restart', () => {
    const row = podRow(
      { nodeName: 'n' },
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'c',
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 2, reason: 'Error', finishedAt: ago(45) } },
          },
        ],
      },
    );
    expect(row.slice(1, 4)).toEqual(['0/1', 'CrashLoopBackOff', '3 (45s ago)']);
  });

  it('Completed', () => {
    const row = podRow(
      { restartPolicy: 'Never' },
      { phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
    );
    expect(row.slice(1, 4)).toEqual(['0/1', 'Completed', '0']);
  });

  it('Error and OOMKilled, ExitCode without reason', () => {
    const term = (t: any) => podRow({}, { phase: 'Failed', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: t } }] })[2];
    expect(term({ exitCode: 1, reason: 'Error' })).toBe('Error');
    expect(term({ exitCode: 137, reason: 'OOMKilled' })).toBe('OOMKilled');
    expect(term({ exitCode: 3 })).toBe('ExitCode:3');
  });

  it('Terminating while running; Evicted from status.reason', () => {
    const row = podRow({}, { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, state: running }] }, { deletionTimestamp: ago(1) });
    expect(row[2]).toBe('Terminating');
    expect(podRow({}, { phase: 'Failed', reason: 'Evicted' })[2]).toBe('Evicted');
  });

  it('Init:0/1 and PodInitializing', () => {
    const spec = { initContainers: [{ name: 'init', image: 'busybox' }] };
    const initRunning = podRow(spec, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: running }],
      containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    });
    expect(initRunning.slice(1, 3)).toEqual(['0/1', 'Init:0/1']);
    const initDone = podRow(spec, {
      phase: 'Pending',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    });
    expect(initDone[2]).toBe('PodInitializing');
    const initCrash = podRow(spec, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'init', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
    });
    expect(initCrash.slice(2, 4)).toEqual(['Init:CrashLoopBackOff', '2']);
  });

  it('image pull errors', () => {
    const row = podRow(
      {},
      { phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] },
    );
    expect(row[2]).toBe('ImagePullBackOff');
  });

  it('readiness gates count true conditions', () => {
    const row = podRow({ readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] }, { phase: 'Running', conditions: [{ type: 'a', status: 'True' }] });
    expect(row[8]).toBe('1/2');
  });
});

describe('node table', () => {
  const node = (labels: Record<string, string>, ready: string | undefined, unschedulable = false): KObject => ({
    metadata: { name: 'node-1', labels, creationTimestamp: ago(2 * 86400 + 3 * 3600) },
    spec: unschedulable ? { unschedulable: true } : {},
    status: {
      conditions: ready ? [{ type: 'Ready', status: ready }] : [],
      addresses: [
        { type: 'InternalIP', address: '172.18.0.2' },
        { type: 'Hostname', address: 'node-1' },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.33.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.8.0',
        containerRuntimeVersion: 'containerd://1.7.24',
      },
    },
  });
  it('Ready control plane', () => {
    expect(nodes.table!.row(node({ 'node-role.kubernetes.io/control-plane': '' }, 'True'), now)).toEqual([
      'node-1',
      'Ready',
      'control-plane',
      '2d3h',
      'v1.33.0',
      '172.18.0.2',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.8.0',
      'containerd://1.7.24',
    ]);
  });
  it('cordoned, not ready, unknown', () => {
    expect(nodes.table!.row(node({}, 'True', true), now).slice(1, 3)).toEqual(['Ready,SchedulingDisabled', '<none>']);
    expect(nodes.table!.row(node({ 'kubernetes.io/role': 'worker' }, 'False'), now).slice(1, 3)).toEqual(['NotReady', 'worker']);
    expect(nodes.table!.row(node({}, undefined), now)[1]).toBe('Unknown');
  });
  it('field selector spec.unschedulable', () => {
    expect(nodes.fieldSelectors!['spec.unschedulable'](node({}, 'True', true))).toBe('true');
    expect(nodes.fieldSelectors!['spec.unschedulable'](node({}, 'True'))).toBe('false');
  });
});

describe('service table', () => {
  const svc = (spec: any, status: any = {}): KObject => ({ metadata: meta('web', 65), spec, status });
  it('ClusterIP and NodePort', () => {
    expect(
      services.table!.row(
        svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } }),
        now,
      ),
    ).toEqual(['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '65s', 'app=web']);
    expect(
      services
        .table!.row(
          svc({
            type: 'NodePort',
            clusterIPs: ['10.96.1.1'],
            ports: [
              { port: 80, nodePort: 30080, protocol: 'TCP' },
              { port: 53, protocol: 'UDP', nodePort: 30053 },
            ],
          }),
          now,
        )
        .slice(3, 7),
    ).toEqual(['<none>', '80:30080/TCP,53:30053/UDP', '65s', '<none>']);
  });
  it('LoadBalancer pending and ExternalName', () => {
    expect(
      services.table!.row(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [{ port: 443, protocol: 'TCP', nodePort: 31443 }] }), now)[3],
    ).toBe('<pending>');
    expect(
      services.table!.row(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [] }, { loadBalancer: { ingress: [{ ip: '172.18.255.1' }] } }), now)[3],
    ).toBe('172.18.255.1');
    expect(services.table!.row(svc({ type: 'ExternalName', externalName: 'example.com' }), now).slice(1, 5)).toEqual([
      'ExternalName',
      '<none>',
      'example.com',
      '<none>',
    ]);
  });
});

describe('endpoints and events tables', () => {
  it('endpoints list three then counts the rest', () => {
    const ep: KObject = {
      metadata: meta('web'),
      subsets: [
        { addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.3' }, { ip: '10.244.3.4' }, { ip: '10.244.1.9' }], ports: [{ port: 80, protocol: 'TCP' }] },
      ],
    };
    expect(endpoints.table!.row(ep, now)[1]).toBe('10.244.1.5:80,10.244.2.3:80,10.244.3.4:80 + 1 more...');
    expect(endpoints.table!.row({ metadata: meta('none') }, now)[1]).toBe('<none>');
  });
  it('events show object, source and counts', () => {
    const ev: KObject = {
      metadata: { name: 'live.1', namespace: 'default' },
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Liveness probe failed: x \n',
      involvedObject: { kind: 'Pod', name: 'live', namespace: 'default', fieldPath: 'spec.containers{c}' },
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(120),
      lastTimestamp: ago(10),
      count: 4,
    };
    expect(events.table!.row(ev, now)).toEqual([
      '10s',
      'Warning',
      'Unhealthy',
      'pod/live',
      'spec.containers{c}',
      'kubelet, node-1',
      'Liveness probe failed: x',
      '2m',
      4,
      'live.1',
    ]);
    expect(events.fieldSelectors!['involvedObject.name'](ev)).toBe('live');
    expect(events.fieldSelectors!.source(ev)).toBe('kubelet');
  });
});
