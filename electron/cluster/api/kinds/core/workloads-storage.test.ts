import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { coreKinds } from './index';
import { limitranges } from './limitranges';
import { persistentvolumeclaims } from './persistentvolumeclaims';
import { persistentvolumes } from './persistentvolumes';
import { replicationcontrollers } from './replicationcontrollers';
import { resourcequotas } from './resourcequotas';

const ctx = { operation: 'create' as const, now: new Date() };
const upd = { operation: 'update' as const, now: new Date() };

describe('replicationcontrollers', () => {
  it('default selector, labels, replicas and template', () => {
    const rc: KObject = {
      metadata: { name: 'rc', namespace: 'd' },
      spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    replicationcontrollers.defaults!(rc);
    replicationcontrollers.prepareForCreate!(rc);
    expect(rc.spec.selector).toEqual({ app: 'x' });
    expect(rc.metadata.labels).toEqual({ app: 'x' });
    expect(rc.spec.replicas).toBe(1);
    expect(rc.spec.template.spec.restartPolicy).toBe('Always');
    expect(rc.spec.template.spec.enableServiceLinks).toBeUndefined();
    expect(rc.metadata.generation).toBe(1);
    expect(replicationcontrollers.validate!(rc, ctx)).toEqual([]);
  });
  it('selector must match template labels', () => {
    const rc: KObject = {
      metadata: { name: 'rc', namespace: 'd' },
      spec: { selector: { app: 'y' }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    replicationcontrollers.defaults!(rc);
    expect(replicationcontrollers.validate!(rc, ctx).map((e) => `${e.field}: ${e.detail}`)).toEqual([
      'spec.template.metadata.labels: `selector` does not match template `labels`',
    ]);
  });
});

describe('persistent volumes and claims', () => {
  it('PV defaults and table', () => {
    const pv: KObject = {
      metadata: { name: 'pv1' },
      spec: { capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce', 'ReadWriteMany'], hostPath: { path: '/data' }, storageClassName: 'manual' },
    };
    persistentvolumes.defaults!(pv);
    persistentvolumes.prepareForCreate!(pv);
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(pv.status.phase).toBe('Pending');
    expect(persistentvolumes.validate!(pv, ctx)).toEqual([]);
    const row = persistentvolumes.table!.row(pv, new Date());
    expect(row.slice(0, 8)).toEqual(['pv1', '1Gi', 'RWO,RWX', 'Retain', 'Pending', '', 'manual', '<unset>']);
  });
  it('PVC requires storage and freezes spec once created', () => {
    const pvc: KObject = { metadata: { name: 'c', namespace: 'd' }, spec: { accessModes: ['ReadWriteOnce'], resources: {} } };
    persistentvolumeclaims.defaults!(pvc);
    expect(errInvalid('', 'PersistentVolumeClaim', 'c', persistentvolumeclaims.validate!(pvc, ctx)).message).toBe(
      'PersistentVolumeClaim "c" is invalid: spec.resources[storage]: Required value',
    );
    const old: KObject = {
      metadata: { name: 'c', namespace: 'd' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv1', volumeMode: 'Filesystem' },
      status: { phase: 'Bound', capacity: { storage: '1Gi' } },
    };
    const grow = structuredClone(old);
    grow.spec.resources.requests.storage = '2Gi';
    expect(persistentvolumeclaims.validateUpdate!(grow, old, upd)).toEqual([]);
    const change = structuredClone(old);
    change.spec.accessModes = ['ReadWriteMany'];
    expect(persistentvolumeclaims.validateUpdate!(change, old, upd).map((e) => e.detail)).toEqual([
      'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ]);
  });
});

describe('quotas and limit ranges', () => {
  it('quota table splits requests and limits', () => {
    const rq: KObject = {
      metadata: { name: 'q', namespace: 'd' },
      status: { hard: { pods: '10', 'limits.cpu': '2', 'requests.cpu': '1' }, used: { pods: '2', 'requests.cpu': '500m' } },
    };
    expect(resourcequotas.table!.row(rq, new Date()).slice(2)).toEqual(['pods: 2/10, requests.cpu: 500m/1', 'limits.cpu: 0/2']);
  });
  it('limit range defaults follow max and default', () => {
    const lr: KObject = {
      metadata: { name: 'l', namespace: 'd' },
      spec: { limits: [{ type: 'Container', max: { cpu: '1' }, default: { memory: '256Mi' }, min: { memory: '64Mi' } }] },
    };
    limitranges.defaults!(lr);
    expect(lr.spec.limits[0].default).toEqual({ memory: '256Mi', cpu: '1' });
    expect(lr.spec.limits[0].defaultRequest).toEqual({ memory: '256Mi', cpu: '1' });
    expect(limitranges.validate!(lr, ctx)).toEqual([]);
  });
});

describe('coreKinds', () => {
  it('lists each core resource once', () => {
    const names = coreKinds.map((k) => k.info.resource);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('pods');
    expect(coreKinds.every((k) => k.info.group === '' && k.info.version === 'v1')).toBe(true);
  });
});
