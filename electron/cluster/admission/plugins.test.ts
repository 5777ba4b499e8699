// Admission plugins against an in-memory lookup: mutations and upstream's exact rejection messages.
import { describe, expect, it } from 'vitest';
import type { GVR, KObject } from '../api/types';
import { StatusError } from '../api/errors';
import { R } from '../client/resources';
import type { AdmissionAttributes, AdmissionLookup, AdmissionOperation } from './types';
import { limitRanger, LIMIT_RANGER_ANNOTATION } from './limit-ranger';
import { serviceAccount } from './service-account';
import { priority } from './priority';
import { runtimeClass } from './runtime-class';
import { defaultTolerationSeconds } from './default-toleration-seconds';
import { defaultStorageClassPlugin } from './default-storage-class';
import { defaultIngressClassPlugin } from './default-ingress-class';
import { resourceQuotaPlugin } from './resource-quota';

function fakeLookup(objs: [GVR, KObject][]): AdmissionLookup {
  const key = (g: GVR, ns: string | undefined, n: string) => `${g.group}/${g.resource}/${ns ?? ''}/${n}`;
  const m = new Map(objs.map(([g, o]) => [key(g, o.metadata.namespace, o.metadata.name!), { g, o }]));
  return {
    get: (g, ns, n) => m.get(key(g, ns, n))?.o,
    list: (g, ns) =>
      [...m.values()].filter((x) => x.g.resource === g.resource && x.g.group === g.group && (!ns || x.o.metadata.namespace === ns)).map((x) => x.o),
  };
}

const ADMIN = { name: 'admin', groups: ['system:masters'] };
function attrs(gvr: GVR, obj: KObject, operation: AdmissionOperation = 'CREATE', oldObject?: KObject): AdmissionAttributes {
  return {
    operation,
    gvr,
    kind: obj.kind ?? '',
    namespace: obj.metadata.namespace,
    name: obj.metadata.name ?? '',
    object: obj,
    oldObject,
    user: ADMIN,
    dryRun: false,
  };
}
function pod(name: string, containers: any[], extra: any = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, spec: { containers, ...extra } };
}
async function rejection(run: () => unknown): Promise<StatusError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('LimitRanger', () => {
  const lr: KObject = {
    metadata: { name: 'lr', namespace: 'ns' },
    spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '250m' }, max: { cpu: '800m' }, min: { cpu: '100m' } }] },
  };
  const lookup = fakeLookup([[R.limitranges, lr]]);

  it('fills in defaults and records them in the annotation', async () => {
    const p = pod('p', [
      { name: 'c', image: 'nginx' },
      { name: 'd', image: 'nginx', resources: { limits: { cpu: '700m' }, requests: { cpu: '700m' } } },
    ]);
    p.status = { qosClass: 'BestEffort' };
    const a = attrs(R.pods, p);
    await limitRanger.mutate!(a, lookup);
    expect(p.spec.containers[0].resources).toEqual({ limits: { cpu: '500m' }, requests: { cpu: '250m' } });
    expect(p.spec.containers[1].resources).toEqual({ limits: { cpu: '700m' }, requests: { cpu: '700m' } });
    expect(p.metadata.annotations?.[LIMIT_RANGER_ANNOTATION]).toBe('LimitRanger plugin set: cpu request for container c; cpu limit for container c');
    expect(p.status.qosClass).toBe('Burstable');
    await limitRanger.validate!(a, lookup);
  });

  it('rejects containers outside min/max with upstream wording', async () => {
    const e = await rejection(() =>
      limitRanger.validate!(attrs(R.pods, pod('x', [{ name: 'c', resources: { limits: { cpu: '1' }, requests: { cpu: '1' } } }])), lookup),
    );
    expect(e.code).toBe(403);
    expect(e.status.reason).toBe('Forbidden');
    expect(e.message).toBe('pods "x" is forbidden: maximum cpu usage per Container is 800m, but limit is 1');
    const e2 = await rejection(() =>
      limitRanger.validate!(attrs(R.pods, pod('y', [{ name: 'c', resources: { limits: { cpu: '2' }, requests: { cpu: '50m' } } }])), lookup),
    );
    expect(e2.message).toBe(
      'pods "y" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, maximum cpu usage per Container is 800m, but limit is 2]',
    );
  });

  it('enforces the limit/request ratio, Pod totals and claim sizes', async () => {
    const l = fakeLookup([
      [
        R.limitranges,
        {
          metadata: { name: 'r', namespace: 'ns' },
          spec: {
            limits: [
              { type: 'Container', maxLimitRequestRatio: { memory: '2' } },
              { type: 'Pod', max: { memory: '1Gi' } },
              { type: 'PersistentVolumeClaim', max: { storage: '2Gi' }, min: { storage: '1Gi' } },
            ],
          },
        },
      ],
    ]);
    const e = await rejection(() =>
      limitRanger.validate!(attrs(R.pods, pod('r', [{ name: 'c', resources: { limits: { memory: '512Mi' }, requests: { memory: '128Mi' } } }])), l),
    );
    expect(e.message).toBe('pods "r" is forbidden: memory max limit to request ratio per Container is 2, but provided ratio is 4.000000');
    const two = [
      { name: 'a', resources: { limits: { memory: '800Mi' }, requests: { memory: '800Mi' } } },
      { name: 'b', resources: { limits: { memory: '800Mi' }, requests: { memory: '800Mi' } } },
    ];
    const e2 = await rejection(() => limitRanger.validate!(attrs(R.pods, pod('t', two)), l));
    expect(e2.message).toBe('pods "t" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1600Mi');
    const pvc: KObject = { metadata: { name: 'big', namespace: 'ns' }, spec: { resources: { requests: { storage: '5Gi' } } } };
    const e3 = await rejection(() => limitRanger.validate!(attrs(R.persistentvolumeclaims, pvc), l));
    expect(e3.message).toBe('persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi');
  });
});

describe('ServiceAccount', () => {
  const sa: KObject = { metadata: { name: 'default', namespace: 'ns', uid: 'u' } };
  it('defaults the account and mounts the API credentials into every container', async () => {
    const p = pod('p', [{ name: 'c' }], { initContainers: [{ name: 'i' }] });
    await serviceAccount.mutate!(attrs(R.pods, p), fakeLookup([[R.serviceaccounts, sa]]));
    expect(p.spec.serviceAccountName).toBe('default');
    expect(p.spec.serviceAccount).toBe('default');
    const vol = p.spec.volumes[0];
    expect(vol.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(vol.projected.sources).toEqual([
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ]);
    for (const c of [p.spec.containers[0], p.spec.initContainers[0]]) {
      expect(c.volumeMounts).toEqual([{ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    }
  });

  it('honours automountServiceAccountToken: false on the account', async () => {
    const p = pod('p', [{ name: 'c' }]);
    await serviceAccount.mutate!(attrs(R.pods, p), fakeLookup([[R.serviceaccounts, { ...sa, automountServiceAccountToken: false }]]));
    expect(p.spec.volumes).toBeUndefined();
    expect(p.spec.containers[0].volumeMounts).toBeUndefined();
  });

  it('rejects a pod whose account does not exist', async () => {
    const e = await rejection(() =>
      serviceAccount.mutate!(attrs(R.pods, pod('p', [{ name: 'c' }], { serviceAccountName: 'robot' })), fakeLookup([[R.serviceaccounts, sa]])),
    );
    expect(e.message).toBe('pods "p" is forbidden: error looking up service account ns/robot: serviceaccount "robot" not found');
  });
});

describe('Priority', () => {
  const pcs: [GVR, KObject][] = [[R.priorityclasses, { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' }]];
  it('resolves the class, defaults to 0 and rejects unknown classes', async () => {
    const p = pod('p', [{ name: 'c' }], { priorityClassName: 'high' });
    await priority.mutate!(attrs(R.pods, p), fakeLookup(pcs));
    expect([p.spec.priority, p.spec.preemptionPolicy]).toEqual([1000, 'Never']);
    const q = pod('q', [{ name: 'c' }]);
    await priority.mutate!(attrs(R.pods, q), fakeLookup(pcs));
    expect([q.spec.priority, q.spec.preemptionPolicy, q.spec.priorityClassName]).toEqual([0, 'PreemptLowerPriority', undefined]);
    const e = await rejection(() => priority.mutate!(attrs(R.pods, pod('x', [{ name: 'c' }], { priorityClassName: 'nope' })), fakeLookup(pcs)));
    expect(e.message).toBe('pods "x" is forbidden: no PriorityClass with name nope was found');
  });

  it('applies the global default and allows only one', async () => {
    const withDefault: [GVR, KObject][] = [...pcs, [R.priorityclasses, { metadata: { name: 'dflt' }, value: 7, globalDefault: true }]];
    const p = pod('p', [{ name: 'c' }]);
    await priority.mutate!(attrs(R.pods, p), fakeLookup(withDefault));
    expect([p.spec.priorityClassName, p.spec.priority]).toEqual(['dflt', 7]);
    const e = await rejection(() =>
      priority.validate!(attrs(R.priorityclasses, { metadata: { name: 'another' }, value: 1, globalDefault: true }), fakeLookup(withDefault)),
    );
    expect(e.message).toBe(
      'priorityclasses.scheduling.k8s.io "another" is forbidden: PriorityClass dflt is already marked as default. Only one default can exist',
    );
  });
});

describe('RuntimeClass and DefaultTolerationSeconds', () => {
  const rc: KObject = {
    metadata: { name: 'kata' },
    handler: 'kata',
    overhead: { podFixed: { cpu: '250m', memory: '120Mi' } },
    scheduling: { nodeSelector: { sandbox: 'yes' }, tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }] },
  };
  it('copies overhead and scheduling, and rejects unknown classes or conflicting selectors', async () => {
    const l = fakeLookup([[R.runtimeclasses, rc]]);
    const p = pod('p', [{ name: 'c' }], { runtimeClassName: 'kata' });
    await runtimeClass.mutate!(attrs(R.pods, p), l);
    await runtimeClass.validate!(attrs(R.pods, p), l);
    expect(p.spec.overhead).toEqual({ cpu: '250m', memory: '120Mi' });
    expect(p.spec.nodeSelector).toEqual({ sandbox: 'yes' });
    expect(p.spec.tolerations).toEqual([{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }]);
    const e = await rejection(() => runtimeClass.mutate!(attrs(R.pods, pod('ghost', [{ name: 'c' }], { runtimeClassName: 'does-not-exist' })), l));
    expect(e.message).toBe('pods "ghost" is forbidden: pod rejected: RuntimeClass "does-not-exist" not found');
    const e2 = await rejection(() =>
      runtimeClass.mutate!(attrs(R.pods, pod('c', [{ name: 'c' }], { runtimeClassName: 'kata', nodeSelector: { sandbox: 'no' } })), l),
    );
    expect(e2.message).toBe('pods "c" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[sandbox] = yes; pod.spec.nodeSelector[sandbox] = no');
    const e3 = await rejection(() => runtimeClass.mutate!(attrs(R.pods, pod('o', [{ name: 'c' }], { runtimeClassName: 'kata', overhead: { cpu: '1' } })), l));
    expect(e3.message).toBe("pods \"o\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
  });

  it('adds the not-ready/unreachable tolerations unless covered', () => {
    const p = pod('p', [{ name: 'c' }], {
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }],
    });
    defaultTolerationSeconds.mutate!(attrs(R.pods, p), fakeLookup([]));
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });
});

describe('DefaultStorageClass', () => {
  it('gives an unclassed claim the default class but leaves "" alone', () => {
    const l = fakeLookup([
      [R.storageclasses, { metadata: { name: 'slow' } }],
      [R.storageclasses, { metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } }],
    ]);
    const a: KObject = { metadata: { name: 'a', namespace: 'ns' }, spec: {} };
    const b: KObject = { metadata: { name: 'b', namespace: 'ns' }, spec: { storageClassName: '' } };
    defaultStorageClassPlugin.mutate!(attrs(R.persistentvolumeclaims, a), l);
    defaultStorageClassPlugin.mutate!(attrs(R.persistentvolumeclaims, b), l);
    expect([a.spec.storageClassName, b.spec.storageClassName]).toEqual(['standard', '']);
  });
});

describe('DefaultIngressClass', () => {
  const dflt = { 'ingressclass.kubernetes.io/is-default-class': 'true' };
  const l = fakeLookup([
    [R.ingressclasses, { metadata: { name: 'old', annotations: dflt, creationTimestamp: '2025-01-01T00:00:00Z' } }],
    [R.ingressclasses, { metadata: { name: 'nginx', annotations: dflt, creationTimestamp: '2025-06-01T00:00:00Z' } }],
    [R.ingressclasses, { metadata: { name: 'plain', creationTimestamp: '2026-01-01T00:00:00Z' } }],
  ]);
  it('gives a class-less Ingress the newest default class, and leaves named or annotated ones alone', () => {
    const a: KObject = { metadata: { name: 'a', namespace: 'ns' }, spec: {} };
    const b: KObject = { metadata: { name: 'b', namespace: 'ns' }, spec: { ingressClassName: 'plain' } };
    const c: KObject = { metadata: { name: 'c', namespace: 'ns', annotations: { 'kubernetes.io/ingress.class': 'traefik' } }, spec: {} };
    for (const o of [a, b, c]) defaultIngressClassPlugin.mutate!(attrs(R.ingresses, o), l);
    expect([a.spec.ingressClassName, b.spec.ingressClassName, c.spec.ingressClassName]).toEqual(['nginx', 'plain', undefined]);
  });
});

describe('ResourceQuota', () => {
  const quota = (hard: Record<string, string>, used: Record<string, string>, extra: any = {}): KObject => ({
    metadata: { name: 'q', namespace: 'ns', resourceVersion: '5' },
    spec: { hard, ...extra },
    status: { hard, used },
  });
  const cpuPod = (name: string, cpu: string) => pod(name, [{ name: 'c', resources: { requests: { cpu, memory: '10Mi' }, limits: { cpu, memory: '10Mi' } } }]);

  it('rejects usage beyond hard with the exact upstream message', async () => {
    const l = fakeLookup([[R.resourcequotas, quota({ 'requests.cpu': '1200m', pods: '10' }, { 'requests.cpu': '1', pods: '2' })]]);
    const e = await rejection(() => resourceQuotaPlugin().validate!(attrs(R.pods, cpuPod('p', '500m')), l));
    expect(e.code).toBe(403);
    expect(e.message).toBe('pods "p" is forbidden: exceeded quota: q, requested: requests.cpu=500m, used: requests.cpu=1, limited: requests.cpu=1200m');
    await resourceQuotaPlugin().validate!(attrs(R.pods, cpuPod('ok', '200m')), l);
  });

  it('requires containers to state tracked compute resources', async () => {
    const l = fakeLookup([[R.resourcequotas, quota({ 'requests.cpu': '2', 'limits.memory': '1Gi' }, { 'requests.cpu': '0', 'limits.memory': '0' })]]);
    const e = await rejection(() => resourceQuotaPlugin().validate!(attrs(R.pods, pod('bare', [{ name: 'c' }])), l));
    expect(e.message).toBe('pods "bare" is forbidden: failed quota: q: must specify limits.memory,requests.cpu');
  });

  it('counts objects, honours scopes, and charges admitted usage to status', async () => {
    const writes: KObject[] = [];
    const plugin = resourceQuotaPlugin({
      writer: async (q) => {
        writes.push(q);
      },
    });
    const l = fakeLookup([[R.resourcequotas, quota({ configmaps: '2', 'count/configmaps': '2' }, { configmaps: '2', 'count/configmaps': '2' })]]);
    const e = await rejection(() => plugin.validate!(attrs(R.configmaps, { metadata: { name: 'cm', namespace: 'ns' } }), l));
    expect(e.message).toBe(
      'configmaps "cm" is forbidden: exceeded quota: q, requested: configmaps=1,count/configmaps=1, used: configmaps=2,count/configmaps=2, limited: configmaps=2,count/configmaps=2',
    );
    const scoped = fakeLookup([[R.resourcequotas, quota({ pods: '1' }, { pods: '0' }, { scopes: ['BestEffort'] })]]);
    await plugin.validate!(attrs(R.pods, cpuPod('burstable', '100m')), scoped);
    expect(writes).toHaveLength(0);
    await plugin.validate!(attrs(R.pods, pod('be', [{ name: 'c' }])), scoped);
    expect(writes.map((q) => q.status.used)).toEqual([{ pods: '1' }]);
    expect(writes[0].metadata.resourceVersion).toBe('5');
  });

  it('refuses while the quota controller has not counted usage yet', async () => {
    const l = fakeLookup([[R.resourcequotas, quota({ pods: '3' }, {})]]);
    const e = await rejection(() => resourceQuotaPlugin().validate!(attrs(R.pods, pod('p', [{ name: 'c' }])), l));
    expect(e.message).toBe('pods "p" is forbidden: status unknown for quota: q, resources: pods');
  });
});
