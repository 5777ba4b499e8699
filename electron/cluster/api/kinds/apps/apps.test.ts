import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { appsKinds, daemonSetStrategy, deploymentStrategy, statefulSetStrategy } from './index';

const create = { operation: 'create' as const, now: new Date('2025-01-01T00:00:00Z') };
const tpl = (labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
});
const deploy = (spec: any = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: tpl(), ...spec },
});
/** Defaults then validation, as the API server runs them; returns the 422 message. */
function invalidMessage(s = deploymentStrategy, obj: KObject): string {
  s.defaults?.(obj);
  const errs = s.validate?.(obj, create) ?? [];
  return errInvalid(s.info.group, s.info.kind, obj.metadata.name!, errs).message;
}

describe('Deployment', () => {
  it('fills upstream defaults on a minimal object', () => {
    const d = deploy();
    deploymentStrategy.defaults!(d);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    expect(d.spec.template.spec.restartPolicy).toBe('Always');
    expect(d.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
  });

  it('accepts a valid deployment', () => {
    const d = deploy();
    deploymentStrategy.defaults!(d);
    expect(deploymentStrategy.validate!(d, create)).toEqual([]);
  });

  it('rejects template labels the selector does not match', () => {
    const msg = invalidMessage(deploymentStrategy, deploy({ template: tpl({ app: 'x' }) }));
    expect(msg).toBe(
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
    );
  });

  it('reports a missing selector twice like upstream (required, and the template no longer matches)', () => {
    const msg = invalidMessage(deploymentStrategy, deploy({ selector: undefined }));
    expect(msg).toBe(
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
    );
  });

  it('rejects maxSurge and maxUnavailable both zero', () => {
    const msg = invalidMessage(deploymentStrategy, deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }));
    expect(msg).toContain(
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    );
  });

  it('keeps the selector immutable', () => {
    const old = deploy();
    deploymentStrategy.defaults!(old);
    const next = deploy({ selector: { matchLabels: { app: 'other' } }, template: tpl({ app: 'other' }) });
    deploymentStrategy.defaults!(next);
    const errs = deploymentStrategy.validateUpdate!(next, old, { ...create, operation: 'update' });
    expect(errInvalid('apps', 'Deployment', 'web', errs).message).toBe(
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });

  it('bumps generation on spec changes only and never lets the main resource write status', () => {
    const old = deploy();
    deploymentStrategy.prepareForCreate!(old);
    old.status = { replicas: 3 };
    const same = deploy();
    same.status = { replicas: 99 };
    deploymentStrategy.prepareForUpdate!(same, old);
    expect(same.metadata.generation).toBe(1);
    expect(same.status).toEqual({ replicas: 3 });
    const scaled = deploy({ replicas: 5 });
    deploymentStrategy.prepareForUpdate!(scaled, old);
    expect(scaled.metadata.generation).toBe(2);
  });

  it('prints READY UP-TO-DATE AVAILABLE AGE and the wide cells', () => {
    const d = deploy({ replicas: 3 });
    (d.metadata as any).creationTimestamp = '2024-12-31T23:55:00Z';
    d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    const t = deploymentStrategy.table!;
    expect(t.columns.map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    expect(t.row(d, create.now)).toEqual(['web', '2/3', 3, 2, '5m', 'nginx', 'nginx:1.25', 'app=web']);
  });
});

describe('StatefulSet', () => {
  const sts = (): KObject => ({
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'web' } },
      template: tpl(),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  it('fills upstream defaults', () => {
    const s = sts();
    statefulSetStrategy.defaults!(s);
    expect(s.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(s.spec.volumeClaimTemplates[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      spec: { volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    expect(statefulSetStrategy.validate!(s, create)).toEqual([]);
  });
  it('accepts a container mounting a claim template, as upstream leaves the pod spec to pod creation', () => {
    const s = sts();
    s.spec.template.spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }];
    statefulSetStrategy.defaults!(s);
    expect(statefulSetStrategy.validate!(s, create)).toEqual([]);
    s.spec.template.metadata.labels['bad label'] = 'x';
    expect(statefulSetStrategy.validate!(s, create).map((e) => e.field)).toContain('spec.template.labels');
  });
  it('forbids changing fields other than the mutable ones', () => {
    const old = sts();
    statefulSetStrategy.defaults!(old);
    const next = sts();
    statefulSetStrategy.defaults!(next);
    next.spec.replicas = 5;
    expect(statefulSetStrategy.validateUpdate!(next, old, create)).toEqual([]);
    next.spec.serviceName = 'other';
    expect(errInvalid('apps', 'StatefulSet', 'db', statefulSetStrategy.validateUpdate!(next, old, create)).message).toBe(
      "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
  });
  it('prints READY as ready/desired', () => {
    const s = sts();
    s.spec.replicas = 3;
    s.status = { readyReplicas: 1 };
    expect(statefulSetStrategy.table!.row(s, create.now).slice(0, 2)).toEqual(['db', '1/3']);
  });
});

describe('DaemonSet', () => {
  it('fills upstream defaults and rejects a restartPolicy other than Always', () => {
    const ds: KObject = { metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'web' } }, template: tpl() } };
    daemonSetStrategy.defaults!(ds);
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    expect(daemonSetStrategy.validate!(ds, create)).toEqual([]);
    ds.spec.template.spec.restartPolicy = 'Never';
    expect(errInvalid('apps', 'DaemonSet', 'agent', daemonSetStrategy.validate!(ds, create)).message).toBe(
      'DaemonSet.apps "agent" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    );
  });
  it('prints the node selector column', () => {
    const ds: KObject = {
      metadata: { name: 'agent' },
      spec: { template: { spec: { nodeSelector: { disk: 'ssd' }, containers: [] } } },
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 },
    };
    expect(daemonSetStrategy.table!.row(ds, create.now).slice(0, 7)).toEqual(['agent', 2, 2, 1, 2, 1, 'disk=ssd']);
  });
});

describe('apps discovery info', () => {
  it('lists short names, categories and storage prefixes like upstream', () => {
    const byRes = Object.fromEntries(appsKinds.map((k) => [k.info.resource, k.info]));
    expect(byRes.deployments).toMatchObject({ shortNames: ['deploy'], categories: ['all'], storagePrefix: 'deployments' });
    expect(byRes.replicasets.shortNames).toEqual(['rs']);
    expect(byRes.statefulsets.shortNames).toEqual(['sts']);
    expect(byRes.daemonsets.shortNames).toEqual(['ds']);
    expect(byRes.controllerrevisions.storagePrefix).toBe('controllerrevisions');
  });
});
