import { describe, expect, it } from 'vitest';
import type { KObject } from '../../types';
import { horizontalPodAutoscalerStrategy as hpa, hpaV1ToV2, hpaV2ToV1 } from './index';

const now = new Date('2025-01-01T00:10:00Z');

describe('HorizontalPodAutoscaler', () => {
  it('defaults minReplicas and an 80% CPU metric', () => {
    const o: KObject = { metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 } };
    hpa.defaults!(o);
    expect(o.spec.minReplicas).toBe(1);
    expect(o.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    expect(hpa.validate!(o, { operation: 'create', now })).toEqual([]);
  });
  it('prints TARGETS as current/target, <unknown> before the first measurement', () => {
    const o: KObject = {
      metadata: { name: 'web', creationTimestamp: '2025-01-01T00:00:00Z' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
      status: { currentReplicas: 2 },
    };
    expect(hpa.table!.row(o, now)).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/50%', '1', 5, 2, '10m']);
    o.status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40 } } }];
    expect(hpa.table!.row(o, now)[2]).toBe('cpu: 40%/50%');
  });
  it('converts autoscaling/v1 to v2 and back', () => {
    const v1: KObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 60 },
      status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 30 },
    };
    const v2 = hpaV1ToV2(v1);
    expect(v2.apiVersion).toBe('autoscaling/v2');
    expect(v2.spec.metrics[0].resource.target).toEqual({ type: 'Utilization', averageUtilization: 60 });
    expect(hpaV2ToV1(v2)).toEqual(v1);
    expect(hpa.alsoServed?.[0].version).toBe('v1');
  });
  it('keeps v2-only metrics across a v1 round trip in annotations', () => {
    const v2: KObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 4,
        metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }],
      },
      status: { currentReplicas: 1, desiredReplicas: 1 },
    };
    const v1 = hpaV2ToV1(v2);
    expect(v1.spec.targetCPUUtilizationPercentage).toBeUndefined();
    expect(v1.metadata.annotations?.['autoscaling.alpha.kubernetes.io/metrics']).toBeDefined();
    expect(hpaV1ToV2(v1)).toEqual(v2);
  });
});
