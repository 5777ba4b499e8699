// What the sample operator wants for a WebApp, and when it writes: defaults for an empty spec, an update only
// when a field it owns drifted (a label someone added is not drift), and the Ready condition's three states.
import { describe, expect, it } from 'vitest';
import type { Deployment } from 'kubernetes-types/apps/v1';
import type { KObject } from '../../api/types';
import { deploymentUpdate, desiredDeployment, desiredService, readyCondition, serviceUpdate, type WebApp } from './desired';

const app = (spec: WebApp['spec'] = {}): WebApp => ({
  apiVersion: 'demo.kubelab.io/v1',
  kind: 'WebApp',
  metadata: { name: 'hello', namespace: 'ns', uid: 'u1', generation: 4 },
  spec,
});

describe('webapp operator: desired children', () => {
  it('an empty spec runs one http-echo replica on 5678, owned by the WebApp', () => {
    const d = desiredDeployment(app());
    expect(d.spec!.replicas).toBe(1);
    expect(d.spec!.template.spec!.containers[0]).toMatchObject({ image: 'hashicorp/http-echo:1.0.0', args: ['-text=hello from WebApp', '-listen=:5678'] });
    expect(d.metadata.ownerReferences).toEqual([
      { apiVersion: 'demo.kubelab.io/v1', kind: 'WebApp', name: 'hello', uid: 'u1', controller: true, blockOwnerDeletion: true },
    ]);
    expect(desiredService(app()).spec!.ports).toEqual([{ name: 'http', port: 5678, targetPort: 5678, protocol: 'TCP' }]);
  });

  it('updates a child only when a field the operator owns drifted', () => {
    const live = { ...desiredDeployment(app({ replicas: 2 })), metadata: { ...desiredDeployment(app()).metadata, labels: { extra: 'x' } } } as Deployment &
      KObject;
    expect(deploymentUpdate(live, desiredDeployment(app({ replicas: 2 })))).toBeUndefined();
    const next = deploymentUpdate(live, desiredDeployment(app({ replicas: 2, message: 'new' })))!;
    expect(next.spec!.template.spec!.containers[0].args).toEqual(['-text=new', '-listen=:5678']);
    expect(next.metadata.labels).toEqual({ extra: 'x' });
    const svc = desiredService(app());
    expect(serviceUpdate({ ...svc, spec: { ...svc.spec, clusterIP: '10.96.0.9' } }, svc)).toBeUndefined();
    expect(serviceUpdate(svc, desiredService(app({ port: 8080 })))!.spec!.ports![0].port).toBe(8080);
  });

  it('Ready is False with the error, False while the rollout goes on, True when every replica is ready', () => {
    const a = app({ replicas: 2 });
    expect(readyCondition(a, undefined, 'forbidden', 'T')).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message: 'forbidden',
      observedGeneration: 4,
    });
    expect(readyCondition(a, { status: { readyReplicas: 1, updatedReplicas: 2 } }, undefined, 'T')).toMatchObject({
      status: 'False',
      reason: 'Progressing',
      message: '1/2 replicas ready',
    });
    const ok = readyCondition(a, { status: { readyReplicas: 2, updatedReplicas: 2 } }, undefined, 'T2');
    expect(ok).toMatchObject({ status: 'True', reason: 'Available', lastTransitionTime: 'T2' });
    // the transition time stays while the status does
    expect(
      readyCondition({ ...a, status: { conditions: [ok] } }, { status: { readyReplicas: 2, updatedReplicas: 2 } }, undefined, 'T3').lastTransitionTime,
    ).toBe('T2');
  });
});
