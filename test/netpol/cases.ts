// The policy cases of the truth-table suite, after the upstream e2e netpol suite and Cyclonus: each applies policies
// to the x/y/z × a/b/c model and states the reachability it must produce on TCP 80 and 81.
import type { NetworkPolicy, NetworkPolicySpec } from 'kubernetes-types/networking/v1';
import { Reachability } from './reachability';

export interface CaseContext {
  /** the pod IP of 'x/a' */
  ip(pod: string): string;
}

/** an extra verdict asked of the cluster's filter directly, for flows the TCP probe cannot make (DNS over UDP) */
export interface FilterProbe {
  from: string;
  to: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  allowed: boolean;
}

export type Step =
  | { apply: NetworkPolicy[] }
  | { delete: string[] }
  | { labelNamespace: string; labels: Record<string, string | null> }
  | { labelPod: string; labels: Record<string, string | null> };

export interface Case {
  name: string;
  steps: (ctx: CaseContext) => Step[];
  expect: (ctx: CaseContext) => Reachability;
  filter?: FilterProbe[];
  /** steps run after the check that put the shared model back (label changes) */
  cleanup?: Step[];
}

export const np = (ns: string, name: string, spec: NetworkPolicySpec): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});

const pod = (p: string) => ({ matchLabels: { pod: p } });
const ns = (n: string) => ({ matchLabels: { ns: n } });
const ipOf = (ctx: CaseContext, p: string) => `${ctx.ip(p)}/32`;
const one = (name: string, policies: NetworkPolicy[], expect: (ctx: CaseContext) => Reachability, extra: Partial<Case> = {}): Case => ({
  name,
  steps: () => [{ apply: policies }],
  expect,
  ...extra,
});
const oneCtx = (name: string, policies: (ctx: CaseContext) => NetworkPolicy[], expect: (ctx: CaseContext) => Reachability): Case => ({
  name,
  steps: (ctx) => [{ apply: policies(ctx) }],
  expect,
});

export const CASES: Case[] = [
  // isolation and default deny
  one('deny all ingress in x', [np('x', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })], () => new Reachability().ingress('x/*', false)),
  one('deny all ingress in x (policyTypes defaulted)', [np('x', 'deny', { podSelector: {} })], () => new Reachability().ingress('x/*', false)),
  one('deny all egress in x', [np('x', 'deny', { podSelector: {}, policyTypes: ['Egress'] })], () => new Reachability().egress('x/*', false)),
  one('deny all ingress and egress in x', [np('x', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })], () =>
    new Reachability().ingress('x/*', false).egress('x/*', false),
  ),
  one(
    'deny all ingress in every namespace',
    ['x', 'y', 'z'].map((n) => np(n, 'deny', { podSelector: {} })),
    () => new Reachability(false),
  ),
  one('allow all ingress in x', [np('x', 'allow', { podSelector: {}, ingress: [{}] })], () => new Reachability()),
  one('allow all egress in x', [np('x', 'allow', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })], () => new Reachability()),
  one(
    'deny-all and allow-all ingress union to allow',
    [np('x', 'deny', { podSelector: {} }), np('x', 'allow', { podSelector: {}, ingress: [{}] })],
    () => new Reachability(),
  ),
  one(
    'deny-all egress and allow-all egress union to allow',
    [np('x', 'deny', { podSelector: {}, policyTypes: ['Egress'] }), np('x', 'allow', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })],
    () => new Reachability(),
  ),
  one('deny ingress to x/a only', [np('x', 'deny-a', { podSelector: pod('a') })], () => new Reachability().ingress('x/a', false)),
  one('deny egress from x/a only', [np('x', 'deny-a', { podSelector: pod('a'), policyTypes: ['Egress'] })], () => new Reachability().egress('x/a', false)),
  one('ingress and egress types without rules deny both ways for x/a', [np('x', 'deny-a', { podSelector: pod('a'), policyTypes: ['Ingress', 'Egress'] })], () =>
    new Reachability().ingress('x/a', false).egress('x/a', false),
  ),
  one(
    'policyTypes Egress ignores ingress rules',
    [np('x', 'egress-only', { podSelector: pod('a'), policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: pod('b') }] }] })],
    () => new Reachability().egress('x/a', false),
  ),
  one(
    'policyTypes Ingress ignores egress rules',
    [np('x', 'ingress-only', { podSelector: pod('a'), policyTypes: ['Ingress'], egress: [{ to: [{ podSelector: pod('b') }] }] })],
    () => new Reachability().ingress('x/a', false),
  ),

  // peers: pod selectors, namespace selectors, both
  one('allow x/a from pod b of x', [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: pod('b') }] }] })], () =>
    new Reachability().ingress('x/a', false).set('x/b', 'x/a', true),
  ),
  one(
    'allow x/a from pod matchExpressions In [b, c]',
    [
      np('x', 'p', {
        podSelector: pod('a'),
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] } }] }],
      }),
    ],
    () => new Reachability().ingress('x/a', false).set('x/b', 'x/a', true).set('x/c', 'x/a', true),
  ),
  one(
    'allow x/a from pod matchExpressions NotIn [b]',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'NotIn', values: ['b'] }] } }] }] })],
    () => new Reachability().ingress('x/a', false).set('x/c', 'x/a', true),
  ),
  one(
    'allow x/a from pods without label pod (DoesNotExist admits none)',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'DoesNotExist' }] } }] }] })],
    () => new Reachability().ingress('x/a', false),
  ),
  one(
    'allow x/a from an empty podSelector (its own namespace only)',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: {} }] }] })],
    () => new Reachability().ingress('x/a', false).set('x/*', 'x/a', true),
  ),
  one('allow x/a from namespace y', [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }] }] })], () =>
    new Reachability().ingress('x/a', false).set('y/*', 'x/a', true),
  ),
  one(
    'allow x/a from namespace by kubernetes.io/metadata.name',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'z' } } }] }] })],
    () => new Reachability().ingress('x/a', false).set('z/*', 'x/a', true),
  ),
  one(
    'allow x/a from namespaces NotIn [x]',
    [
      np('x', 'p', {
        podSelector: pod('a'),
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] } }] }],
      }),
    ],
    () => new Reachability().ingress('x/a', false).set('y/*', 'x/a', true).set('z/*', 'x/a', true),
  ),
  one(
    'allow x/a from every namespace (empty namespaceSelector)',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: {} }] }] })],
    () => new Reachability(),
  ),
  one(
    'allow x/a from pod b in namespace y (AND in one peer)',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y'), podSelector: pod('b') }] }] })],
    () => new Reachability().ingress('x/a', false).set('y/b', 'x/a', true),
  ),
  one(
    'allow x/a from namespace y or pod b (OR of two peers)',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }, { podSelector: pod('b') }] }] })],
    () => new Reachability().ingress('x/a', false).set('y/*', 'x/a', true).set('x/b', 'x/a', true),
  ),
  one(
    'allow x/a from pod b of any namespace',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: {}, podSelector: pod('b') }] }] })],
    () => new Reachability().ingress('x/a', false).set('*/b', 'x/a', true),
  ),
  one(
    'allow x/a from pod c in namespaces In [y, z]',
    [
      np('x', 'p', {
        podSelector: pod('a'),
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'In', values: ['y', 'z'] }] }, podSelector: pod('c') }] }],
      }),
    ],
    () => new Reachability().ingress('x/a', false).set('y/c', 'x/a', true).set('z/c', 'x/a', true),
  ),
  one('a policy in y admitting namespace x', [np('y', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: ns('x') }] }] })], () =>
    new Reachability().ingress('y/*', false).set('x/*', 'y/*', true),
  ),
  one(
    'policies in two namespaces selecting each other',
    [
      np('y', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('z') }] }] }),
      np('z', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }] }] }),
    ],
    () => new Reachability().ingress('y/a', false).set('z/*', 'y/a', true).ingress('z/a', false).set('y/*', 'z/a', true),
  ),

  // ports
  one('allow x/a on port 80 only', [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }] })], () =>
    new Reachability().ingress('x/a', false, [81]),
  ),
  one('allow x/a on port 81 only, protocol defaulted', [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ port: 81 }] }] })], () =>
    new Reachability().ingress('x/a', false, [80]),
  ),
  one(
    'allow x/a from namespace y on port 80',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }], ports: [{ port: 80 }] }] })],
    () => new Reachability().ingress('x/a', false).set('y/*', 'x/a', true, [80]),
  ),
  one(
    'two rules: y on 80, z on 81',
    [
      np('x', 'p', {
        podSelector: pod('a'),
        ingress: [
          { from: [{ namespaceSelector: ns('y') }], ports: [{ port: 80 }] },
          { from: [{ namespaceSelector: ns('z') }], ports: [{ port: 81 }] },
        ],
      }),
    ],
    () => new Reachability().ingress('x/a', false).set('y/*', 'x/a', true, [80]).set('z/*', 'x/a', true, [81]),
  ),
  one('named port serve-80-tcp', [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ port: 'serve-80-tcp' }] }] })], () =>
    new Reachability().ingress('x/a', false, [81]),
  ),
  one(
    'named port serve-81-tcp from namespace y',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }], ports: [{ port: 'serve-81-tcp' }] }] })],
    () => new Reachability().ingress('x/a', false).set('y/*', 'x/a', true, [81]),
  ),
  one('named port no container has admits nothing', [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ port: 'serve-99-tcp' }] }] })], () =>
    new Reachability().ingress('x/a', false),
  ),
  one(
    'named port with the wrong protocol admits nothing',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ port: 'serve-80-tcp', protocol: 'UDP' }] }] })],
    () => new Reachability().ingress('x/a', false),
  ),
  one('endPort 80-81 admits both', [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ port: 80, endPort: 81 }] }] })], () => new Reachability()),
  one('endPort 81-90 admits 81', [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ port: 81, endPort: 90 }] }] })], () =>
    new Reachability().ingress('x/a', false, [80]),
  ),
  one('endPort 70-79 admits neither', [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ port: 70, endPort: 79 }] }] })], () =>
    new Reachability().ingress('x/a', false),
  ),
  one('UDP port 80 does not admit TCP', [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ port: 80, protocol: 'UDP' }] }] })], () =>
    new Reachability().ingress('x/a', false),
  ),
  one(
    'a port with only a protocol admits all its ports',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ ports: [{ protocol: 'TCP' }] }] })],
    () => new Reachability(),
  ),

  // ipBlock
  oneCtx(
    'ipBlock 0.0.0.0/0 admits every pod',
    () => [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })],
    () => new Reachability(),
  ),
  oneCtx(
    'ipBlock except x/b',
    (c) => [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: [ipOf(c, 'x/b')] } }] }] })],
    () => new Reachability().set('x/b', 'x/a', false),
  ),
  oneCtx(
    'ipBlock of y/c alone',
    (c) => [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ ipBlock: { cidr: ipOf(c, 'y/c') } }] }] })],
    () => new Reachability().ingress('x/a', false).set('y/c', 'x/a', true),
  ),
  oneCtx(
    'ipBlock 10.244.0.0/16 except two pods',
    (c) => [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16', except: [ipOf(c, 'y/a'), ipOf(c, 'z/b')] } }] }] })],
    () => new Reachability().set('y/a', 'x/a', false).set('z/b', 'x/a', false),
  ),
  oneCtx(
    'egress ipBlock to y/a only',
    (c) => [np('x', 'p', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: ipOf(c, 'y/a') } }] }] })],
    () => new Reachability().egress('x/a', false).set('x/a', 'y/a', true),
  ),
  oneCtx(
    'egress to everything except the pod network',
    () => [np('x', 'p', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.0.0/16'] } }] }] })],
    () => new Reachability().egress('x/a', false),
  ),
  oneCtx(
    'ipBlock OR podSelector peers',
    (c) => [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ ipBlock: { cidr: ipOf(c, 'z/c') } }, { podSelector: pod('b') }] }] })],
    () => new Reachability().ingress('x/a', false).set('z/c', 'x/a', true).set('x/b', 'x/a', true),
  ),

  // egress
  one('egress from x/a to pod b of x', [np('x', 'p', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ podSelector: pod('b') }] }] })], () =>
    new Reachability().egress('x/a', false).set('x/a', 'x/b', true),
  ),
  one('egress from x/a to namespace y', [np('x', 'p', { podSelector: pod('a'), egress: [{ to: [{ namespaceSelector: ns('y') }] }] })], () =>
    new Reachability().ingress('x/a', false).egress('x/a', false).set('x/a', 'y/*', true),
  ),
  one(
    'egress from x to namespaces In [y, z] on port 80',
    [
      np('x', 'p', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'In', values: ['y', 'z'] }] } }], ports: [{ port: 80 }] }],
      }),
    ],
    () => new Reachability().egress('x/*', false).set('x/*', 'y/*', true, [80]).set('x/*', 'z/*', true, [80]),
  ),
  one(
    'egress on a named port resolved at the destination',
    [np('x', 'p', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-81-tcp' }] }] })],
    () => new Reachability().egress('x/a', false, [80]),
  ),
  one(
    'egress deny all but DNS',
    [
      np('x', 'p', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
        ],
      }),
    ],
    () => new Reachability().egress('x/*', false),
    {
      filter: [
        { from: 'x/a', to: 'y/a', port: 53, protocol: 'UDP', allowed: true },
        { from: 'x/b', to: 'z/c', port: 53, protocol: 'TCP', allowed: true },
        { from: 'x/a', to: 'y/a', port: 54, protocol: 'UDP', allowed: false },
      ],
    },
  ),
  one(
    'egress to DNS pods by selector plus namespace y',
    [
      np('x', 'p', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ namespaceSelector: ns('z'), podSelector: pod('c') }], ports: [{ port: 53, protocol: 'UDP' }] },
          { to: [{ namespaceSelector: ns('y') }] },
        ],
      }),
    ],
    () => new Reachability().egress('x/*', false).set('x/*', 'y/*', true),
    {
      filter: [
        { from: 'x/a', to: 'z/c', port: 53, protocol: 'UDP', allowed: true },
        { from: 'x/a', to: 'z/b', port: 53, protocol: 'UDP', allowed: false },
      ],
    },
  ),

  // both ends
  one(
    'egress denied at the source wins over ingress allowed at the destination',
    [
      np('x', 'deny-egress', { podSelector: pod('a'), policyTypes: ['Egress'] }),
      np('y', 'allow', { podSelector: pod('b'), ingress: [{ from: [{ namespaceSelector: ns('x') }] }] }),
    ],
    () => new Reachability().egress('x/a', false).ingress('y/b', false).set('x/b', 'y/b', true).set('x/c', 'y/b', true),
  ),
  one(
    'both ends allow only the same pair',
    [
      np('x', 'egress', { podSelector: pod('a'), policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: ns('y'), podSelector: pod('b') }] }] }),
      np('y', 'ingress', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: ns('x'), podSelector: pod('a') }] }] }),
    ],
    () => new Reachability().egress('x/a', false).ingress('y/*', false).set('x/a', 'y/b', true),
  ),
  one(
    'ingress and egress in one policy',
    [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: pod('b') }] }], egress: [{ to: [{ namespaceSelector: ns('z') }] }] })],
    () => new Reachability().ingress('x/a', false).set('x/b', 'x/a', true).egress('x/a', false).set('x/a', 'z/*', true),
  ),

  // several policies on one pod
  one(
    'two policies on x/a union their peers',
    [
      np('x', 'from-b', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: pod('b') }] }] }),
      np('x', 'from-y', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: ns('y') }] }] }),
    ],
    () => new Reachability().ingress('x/a', false).set('x/b', 'x/a', true).set('y/*', 'x/a', true),
  ),
  one(
    'default deny plus allow from z',
    [np('x', 'deny', { podSelector: {} }), np('x', 'from-z', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: ns('z') }] }] })],
    () => new Reachability().ingress('x/*', false).set('z/*', 'x/*', true),
  ),
  one(
    'a port policy and a peer policy union on x/a',
    [
      np('x', 'port-80', { podSelector: pod('a'), ingress: [{ ports: [{ port: 80 }] }] }),
      np('x', 'from-c', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: pod('c') }] }] }),
    ],
    () => new Reachability().ingress('x/a', false, [81]).set('x/c', 'x/a', true),
  ),

  // updates, deletes, relabels
  {
    name: 'update: allow from b becomes allow from c',
    steps: () => [
      { apply: [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: pod('b') }] }] })] },
      { apply: [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ podSelector: pod('c') }] }] })] },
    ],
    expect: () => new Reachability().ingress('x/a', false).set('x/c', 'x/a', true),
  },
  {
    name: 'update: the policy moves from x/a to x/b',
    steps: () => [{ apply: [np('x', 'p', { podSelector: pod('a') })] }, { apply: [np('x', 'p', { podSelector: pod('b') })] }],
    expect: () => new Reachability().ingress('x/b', false),
  },
  {
    name: 'update: deny-all gains an allow-all rule',
    steps: () => [{ apply: [np('x', 'p', { podSelector: {} })] }, { apply: [np('x', 'p', { podSelector: {}, ingress: [{}] })] }],
    expect: () => new Reachability(),
  },
  {
    name: 'delete: deny-all deleted restores traffic',
    steps: () => [{ apply: [np('x', 'deny', { podSelector: {} }), np('y', 'deny', { podSelector: {} })] }, { delete: ['x/deny'] }],
    expect: () => new Reachability().ingress('y/*', false),
  },
  {
    name: 'relabel namespace: y gains the label a policy admits',
    steps: () => [
      { apply: [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }] }] })] },
      { labelNamespace: 'y', labels: { team: 'blue' } },
    ],
    expect: () => new Reachability().ingress('x/a', false).set('y/*', 'x/a', true),
    cleanup: [{ labelNamespace: 'y', labels: { team: null } }],
  },
  {
    name: 'relabel pod: z/c gains the label a policy admits',
    steps: () => [
      { apply: [np('x', 'p', { podSelector: pod('a'), ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'client' } } }] }] })] },
      { labelPod: 'z/c', labels: { role: 'client' } },
    ],
    expect: () => new Reachability().ingress('x/a', false).set('z/c', 'x/a', true),
    cleanup: [{ labelPod: 'z/c', labels: { role: null } }],
  },
  {
    name: 'relabel pod: x/b loses the label that made it a target',
    steps: () => [
      { apply: [np('x', 'p', { podSelector: { matchLabels: { tier: 'db' } } })] },
      { labelPod: 'x/b', labels: { tier: 'db' } },
      { labelPod: 'x/b', labels: { tier: null } },
    ],
    expect: () => new Reachability(),
  },
];
