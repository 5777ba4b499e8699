import { describe, expect, it } from 'vitest';
import { controlPlaneTaint, makeNode, makePod } from './test-fixtures';
import { buildSnapshot } from './snapshot';
import { podInfo } from './pod-info';
import { computePodRequests } from './resources';
import { runFilters, runPreFilters } from './run-filters';
import { defaultProfile } from './profile';
import { Code, type Node, type Pod, type Status } from './types';

/** Runs the default filter chain for one pod against each node; returns node → status (null = fits). */
function filterAll(pod: Pod, nodes: Node[], placed: [Pod, string][] = []): Map<string, Status | null> {
  const podsByNode = new Map<string, Pod[]>();
  for (const [p, n] of placed) podsByNode.set(n, [...(podsByNode.get(n) ?? []), p]);
  const snap = buildSnapshot({ nodes, podsByNode });
  const profile = defaultProfile();
  const state = new Map<string, unknown>();
  const pi = podInfo(pod);
  expect(runPreFilters(profile, state, pi, snap)).toBeNull();
  return new Map(snap.nodeInfos().map((n) => [n.name, runFilters(profile, state, pi, n, snap)]));
}

describe('requests', () => {
  it('takes max(sum of containers, each init container plus earlier sidecars) plus overhead', () => {
    const pod = makePod('p', {
      spec: {
        containers: [
          { name: 'a', resources: { requests: { cpu: '1', memory: '1G' } } },
          { name: 'b', resources: { requests: { cpu: '500m' } } },
        ],
        initContainers: [
          { name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
          { name: 'big-init', resources: { requests: { cpu: '3', memory: '3G' } } },
        ],
        overhead: { cpu: '100m' },
      },
    });
    const r = computePodRequests(pod);
    // steady: 1 + 0.5 + 0.2 = 1.7; init: 3 + 0.2 sidecar = 3.2 → 3.2 + 0.1 overhead
    expect(r.milliCPU).toBe(3300);
    expect(r.memory).toBe(3_000_000_000);
  });
  it('falls back to limits for extended resources given only as limits', () => {
    const pod = makePod('g', { spec: { containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '2' } } }] } });
    expect(computePodRequests(pod).scalar.get('nvidia.com/gpu')).toBe(2);
  });
});

describe('filters', () => {
  it('NodeUnschedulable rejects cordoned nodes unless the pod tolerates the unschedulable taint', () => {
    const nodes = [makeNode('n1', { unschedulable: true })];
    expect(filterAll(makePod('p'), nodes).get('n1')).toMatchObject({
      code: Code.UnschedulableAndUnresolvable,
      reasons: ['node(s) were unschedulable'],
      plugin: 'NodeUnschedulable',
    });
    const tolerant = makePod('t', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
    expect(filterAll(tolerant, nodes).get('n1')).toBeNull();
  });

  it('cordon is reported before an untolerated taint on the same node', () => {
    const nodes = [makeNode('n1', { unschedulable: true, taints: [{ key: 'lab', value: 'blocked', effect: 'NoSchedule' }] })];
    expect(filterAll(makePod('p'), nodes).get('n1')?.reasons).toEqual(['node(s) were unschedulable']);
  });

  it('NodeName rejects other nodes', () => {
    const st = filterAll(makePod('p', { spec: { nodeName: 'n2' } }), [makeNode('n1'), makeNode('n2')]);
    expect(st.get('n1')?.reasons).toEqual(["node(s) didn't match the requested node name"]);
    expect(st.get('n2')).toBeNull();
  });

  it('TaintToleration names the first untolerated NoSchedule/NoExecute taint and ignores PreferNoSchedule', () => {
    const nodes = [
      makeNode('cp', { taints: [controlPlaneTaint] }),
      makeNode('w', { taints: [{ key: 'lab', value: 'blocked', effect: 'NoExecute' }] }),
      makeNode('soft', { taints: [{ key: 'x', value: 'y', effect: 'PreferNoSchedule' }] }),
    ];
    const st = filterAll(makePod('p'), nodes);
    expect(st.get('cp')).toMatchObject({
      code: Code.UnschedulableAndUnresolvable,
      reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    });
    expect(st.get('w')?.reasons).toEqual(['node(s) had untolerated taint {lab: blocked}']);
    expect(st.get('soft')).toBeNull();
    const tol = makePod('t', { spec: { tolerations: [{ key: 'lab', operator: 'Equal', value: 'blocked' }] } });
    expect(filterAll(tol, nodes).get('w')).toBeNull();
  });

  it('NodeAffinity applies nodeSelector and In/NotIn/Exists/DoesNotExist/Gt/Lt', () => {
    const nodes = [
      makeNode('a', { labels: { disk: 'ssd', cores: '16' } }),
      makeNode('b', { labels: { disk: 'hdd', cores: '4' } }),
      makeNode('c', { labels: { cores: 'many' } }),
    ];
    const reason = ["node(s) didn't match Pod's node affinity/selector"];
    const sel = filterAll(makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }), nodes);
    expect([sel.get('a'), sel.get('b')?.reasons]).toEqual([null, reason]);
    const aff = (exprs: object[]) =>
      makePod('p', {
        spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs as never }] } } } },
      });
    const fits = (p: Pod) => [...filterAll(p, nodes)].filter(([, s]) => !s).map(([n]) => n);
    expect(fits(aff([{ key: 'cores', operator: 'Gt', values: ['8'] }]))).toEqual(['a']);
    expect(fits(aff([{ key: 'cores', operator: 'Lt', values: ['8'] }]))).toEqual(['b']);
    expect(fits(aff([{ key: 'disk', operator: 'NotIn', values: ['hdd'] }]))).toEqual(['a', 'c']);
    expect(fits(aff([{ key: 'disk', operator: 'Exists' }]))).toEqual(['a', 'b']);
    expect(fits(aff([{ key: 'disk', operator: 'DoesNotExist' }]))).toEqual(['c']);
    expect(
      fits(
        aff([
          { key: 'disk', operator: 'In', values: ['ssd', 'hdd'] },
          { key: 'cores', operator: 'Gt', values: ['10'] },
        ]),
      ),
    ).toEqual(['a']);
    expect(filterAll(aff([{ key: 'disk', operator: 'In', values: ['nvme'] }]), nodes).get('a')).toMatchObject({
      code: Code.UnschedulableAndUnresolvable,
      reasons: reason,
    });
  });

  it('NodeResourcesFit lists every insufficient resource, extended ones included, and counts pods', () => {
    const n = makeNode('n', { cpu: '2', memory: '1Gi', pods: '2', extra: { 'nvidia.com/gpu': '1' } });
    const existing = makePod('e', { cpu: '1500m', requests: { 'nvidia.com/gpu': '1' } });
    const st = filterAll(makePod('p', { cpu: '1', memory: '2Gi', requests: { 'nvidia.com/gpu': '1' } }), [n], [[existing, 'n']]);
    expect(st.get('n')).toMatchObject({ code: Code.Unschedulable, reasons: ['Insufficient cpu', 'Insufficient memory', 'Insufficient nvidia.com/gpu'] });
    const full = filterAll(
      makePod('q'),
      [n],
      [
        [makePod('a'), 'n'],
        [makePod('b'), 'n'],
      ],
    );
    expect(full.get('n')?.reasons).toEqual(['Too many pods']);
  });

  it('NodePorts rejects a second pod on the same hostPort', () => {
    const withPort = (name: string) => makePod(name, { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }] } });
    const st = filterAll(withPort('b'), [makeNode('n1'), makeNode('n2')], [[withPort('a'), 'n1']]);
    expect(st.get('n1')?.reasons).toEqual(["node(s) didn't have free ports for the requested pod ports"]);
    expect(st.get('n2')).toBeNull();
  });

  it("InterPodAffinity: required affinity, anti-affinity and existing pods' anti-affinity", () => {
    const nodes = [makeNode('n1', { labels: { zone: 'a' } }), makeNode('n2', { labels: { zone: 'b' } })];
    const web = makePod('web', { labels: { app: 'web' } });
    const affinity = makePod('p', {
      spec: {
        affinity: {
          podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'web' } } }] },
        },
      },
    });
    let st = filterAll(affinity, nodes, [[web, 'n1']]);
    expect(st.get('n1')).toBeNull();
    expect(st.get('n2')).toMatchObject({ code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't match pod affinity rules"] });

    const anti = makePod('q', {
      spec: {
        affinity: {
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'web' } } }] },
        },
      },
    });
    st = filterAll(anti, nodes, [[web, 'n1']]);
    expect(st.get('n1')).toMatchObject({ code: Code.Unschedulable, reasons: ["node(s) didn't match pod anti-affinity rules"] });
    expect(st.get('n2')).toBeNull();

    const loner = makePod('l', {
      labels: { role: 'loner' },
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }],
          },
        },
      },
    });
    st = filterAll(makePod('w2', { labels: { app: 'web' } }), nodes, [[loner, 'n2']]);
    expect(st.get('n2')?.reasons).toEqual(["node(s) didn't satisfy existing pods anti-affinity rules"]);
    expect(st.get('n1')).toBeNull();
  });

  it('InterPodAffinity lets the first pod of a self-affine group in anywhere', () => {
    const self = makePod('s', {
      labels: { app: 'db' },
      spec: {
        affinity: {
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }],
          },
        },
      },
    });
    expect([...filterAll(self, [makeNode('n1'), makeNode('n2')]).values()]).toEqual([null, null]);
  });

  it('PodTopologySpread rejects a node whose domain would exceed maxSkew, and nodes missing the key', () => {
    const nodes = [makeNode('a1', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } }), makeNode('x')];
    const spread = (name: string) =>
      makePod(name, {
        labels: { app: 's' },
        spec: {
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 's' } } }],
        },
      });
    const st = filterAll(spread('p'), nodes, [[spread('e'), 'a1']]);
    expect(st.get('a1')).toMatchObject({ code: Code.Unschedulable, reasons: ["node(s) didn't match pod topology spread constraints"] });
    expect(st.get('b1')).toBeNull();
    expect(st.get('x')).toMatchObject({
      code: Code.UnschedulableAndUnresolvable,
      reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"],
    });
  });

  it('PodTopologySpread minDomains treats the global minimum as 0 when too few domains exist', () => {
    const nodes = [makeNode('a1', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } })];
    const spread = (name: string) =>
      makePod(name, {
        labels: { app: 's' },
        spec: {
          topologySpreadConstraints: [
            { maxSkew: 1, minDomains: 3, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 's' } } },
          ],
        },
      });
    const st = filterAll(spread('p'), nodes, [
      [spread('e1'), 'a1'],
      [spread('e2'), 'b1'],
    ]);
    expect(st.get('a1')?.reasons).toEqual(["node(s) didn't match pod topology spread constraints"]);
    expect(st.get('b1')?.reasons).toEqual(["node(s) didn't match pod topology spread constraints"]);
  });
});
