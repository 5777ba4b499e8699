import { describe, expect, it } from 'vitest';
import { errInvalid } from '../../errors';
import type { KObject } from '../../types';
import { POD_UPDATE_FORBIDDEN_PREFIX, validatePodTemplateSpec } from './pod-spec';
import { pods } from './pods';

const ctx = { operation: 'create' as const, now: new Date() };

function pod(spec: any, extra: Partial<KObject> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec, ...extra };
}

function created(spec: any): KObject {
  const p = pod(structuredClone(spec));
  pods.defaults!(p);
  pods.prepareForCreate!(p);
  return p;
}

const message = (obj: KObject) => errInvalid('', 'Pod', obj.metadata.name!, pods.validate!(obj, ctx)).message;

describe('pod defaults', () => {
  it('a bare pod gets upstream defaults', () => {
    const p = created({ containers: [{ name: 'web', image: 'nginx' }] });
    expect(p.spec).toEqual({
      containers: [
        {
          name: 'web',
          image: 'nginx',
          imagePullPolicy: 'Always',
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      enableServiceLinks: true,
    });
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(p.metadata.generation).toBe(1);
  });

  it('pull policy depends on the tag', () => {
    const p = created({
      containers: [
        { name: 'a', image: 'nginx:1.27' },
        { name: 'b', image: 'nginx:latest' },
        { name: 'c', image: 'reg:5000/app' },
        { name: 'd', image: 'nginx@sha256:abc' },
        { name: 'e', image: 'nginx', imagePullPolicy: 'Never' },
      ],
    });
    expect(p.spec.containers.map((c: any) => c.imagePullPolicy)).toEqual(['IfNotPresent', 'Always', 'Always', 'IfNotPresent', 'Never']);
  });

  it('requests default to limits, giving Guaranteed QoS', () => {
    const p = created({ containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '100m', memory: '64Mi' } } }] });
    expect(p.spec.containers[0].resources.requests).toEqual({ cpu: '100m', memory: '64Mi' });
    expect(p.status.qosClass).toBe('Guaranteed');
    const b = created({ containers: [{ name: 'c', image: 'x', resources: { limits: { memory: '100Mi' }, requests: { memory: '50Mi' } } }] });
    expect(b.status.qosClass).toBe('Burstable');
  });

  it('probes, ports and volumes get their defaults', () => {
    const p = created({
      containers: [
        {
          name: 'c',
          image: 'nginx',
          ports: [{ containerPort: 80 }],
          livenessProbe: { httpGet: { port: 80 } },
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/cfg' },
            { name: 'scratch', mountPath: '/tmp/s' },
          ],
        },
      ],
      volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch' }],
    });
    const c = p.spec.containers[0];
    expect(c.ports[0].protocol).toBe('TCP');
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(p.spec.volumes).toEqual([
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 'scratch', emptyDir: {} },
    ]);
  });
});

describe('pod validation', () => {
  it('empty containers', () => {
    const p = created({ containers: [] });
    expect(message(p)).toBe('Pod "p" is invalid: spec.containers: Required value');
  });

  it('an image with leading or trailing whitespace is refused in pods but not in templates, as upstream', () => {
    const p = created({ containers: [{ name: 'c', image: ' ' }], initContainers: [{ name: 'i', image: 'busybox ' }] });
    expect(message(p)).toBe(
      'Pod "p" is invalid: [spec.containers[0].image: Invalid value: " ": must not have leading or trailing whitespace, spec.initContainers[0].image: Invalid value: "busybox ": must not have leading or trailing whitespace]',
    );
    const tpl = { spec: structuredClone(p.spec) };
    expect(validatePodTemplateSpec(tpl, 'spec.template').filter((e) => /whitespace/.test(JSON.stringify(e)))).toEqual([]);
  });

  it('appArmorProfile: a padded localhost profile and a missing type are refused, in pods and templates', () => {
    const p = created({
      securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: ' k8s-apparmor ' } },
      containers: [{ name: 'c', image: 'x', securityContext: { appArmorProfile: { localhostProfile: 'p' } } }],
    });
    expect(message(p)).toBe(
      'Pod "p" is invalid: [spec.containers[0].securityContext.appArmorProfile.type: Required value: type is required when appArmorProfile is set, spec.securityContext.appArmorProfile.localhostProfile: Invalid value: " k8s-apparmor ": must not be padded with whitespace]',
    );
    const q = created({ securityContext: { appArmorProfile: { type: 'RuntimeDefault', localhostProfile: 'p' } }, containers: [{ name: 'c', image: 'x' }] });
    expect(message(q)).toBe(
      'Pod "p" is invalid: spec.securityContext.appArmorProfile.localhostProfile: Invalid value: "p": can only be set when AppArmor type is Localhost',
    );
    expect(validatePodTemplateSpec({ spec: structuredClone(p.spec) }, 'spec.template').length).toBe(2);
  });

  it('container name and image required, names unique', () => {
    const p = created({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: '' }, { image: 'y' }] });
    const errs = pods.validate!(p, ctx).map((e) => errInvalid('', 'Pod', 'p', [e]).message);
    expect(errs).toContain('Pod "p" is invalid: spec.containers[1].image: Required value');
    expect(errs).toContain('Pod "p" is invalid: spec.containers[1].name: Duplicate value: "a"');
    expect(errs).toContain('Pod "p" is invalid: spec.containers[2].name: Required value');
  });

  it('volume mounts must reference volumes', () => {
    const p = created({ containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'x', mountPath: '/x' }] }] });
    expect(message(p)).toBe('Pod "p" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "x"');
  });

  it('requests above limits', () => {
    const p = created({ containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '500m' }, requests: { cpu: '1' } } }] });
    expect(message(p)).toBe('Pod "p" is invalid: spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m');
  });

  it('unknown resource names and fractional extended resources', () => {
    const p = created({
      containers: [{ name: 'c', image: 'x', resources: { limits: { cpus: '1', 'example.com/gpu': '500m' }, requests: { 'example.com/gpu': '500m' } } }],
    });
    const msgs = pods.validate!(p, ctx).map((e) => `${e.field}: ${e.detail}`);
    expect(msgs).toContain('spec.containers[0].resources.limits[cpus]: must be a standard resource type or fully qualified');
    expect(msgs).toContain('spec.containers[0].resources.limits[example.com/gpu]: must be an integer');
  });

  it('port range, restart policy and volume sources', () => {
    const p = created({
      containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 70000 }] }],
      restartPolicy: 'Sometimes',
      volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }],
    });
    const msgs = pods.validate!(p, ctx).map((e) => errInvalid('', 'Pod', 'p', [e]).message.replace('Pod "p" is invalid: ', ''));
    expect(msgs).toContain('spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive');
    expect(msgs).toContain('spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
    expect(msgs).toContain('spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type');
  });

  it('tolerations, affinity and spread constraints', () => {
    const p = created({
      containers: [{ name: 'c', image: 'x' }],
      tolerations: [
        { key: 'k', operator: 'Maybe' },
        { operator: 'Equal', value: 'v' },
      ],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Near', values: ['a'] }] }] },
        },
      },
      topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Whatever', labelSelector: {} }],
    });
    const msgs = pods.validate!(p, ctx).map((e) => errInvalid('', 'Pod', 'p', [e]).message.replace('Pod "p" is invalid: ', ''));
    expect(msgs).toContain('spec.tolerations[0].operator: Unsupported value: "Maybe": supported values: "Equal", "Exists"');
    expect(msgs).toContain(
      'spec.tolerations[1].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    );
    expect(msgs).toContain(
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
    );
    expect(msgs).toContain('spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero');
    expect(msgs).toContain(
      'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Whatever": supported values: "DoNotSchedule", "ScheduleAnyway"',
    );
  });

  it('env from configmap keys and probes', () => {
    const p = created({
      containers: [
        {
          name: 'c',
          image: 'x',
          env: [
            { name: 'A', valueFrom: {} },
            { name: 'B', value: 'x', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } },
          ],
          livenessProbe: {},
        },
      ],
    });
    const msgs = pods.validate!(p, ctx).map((e) => errInvalid('', 'Pod', 'p', [e]).message.replace('Pod "p" is invalid: ', ''));
    expect(msgs).toContain(
      'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    );
    expect(msgs).toContain('spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty');
    expect(msgs).toContain('spec.containers[0].livenessProbe: Required value: must specify a handler type');
  });

  it('a well-formed pod is valid', () => {
    const p = created({
      containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }], resources: { requests: { cpu: '100m' } } }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(pods.validate!(p, ctx)).toEqual([]);
  });
});

describe('pod updates', () => {
  const base = () => created({ containers: [{ name: 'c', image: 'nginx:1.26' }] });

  it('image changes are allowed', () => {
    const old = base();
    const upd = structuredClone(old);
    upd.spec.containers[0].image = 'nginx:1.27';
    expect(pods.validateUpdate!(upd, old, { ...ctx, operation: 'update' })).toEqual([]);
  });

  it('other spec changes are forbidden with upstream message', () => {
    const old = base();
    const upd = structuredClone(old);
    upd.spec.containers[0].ports = [{ containerPort: 80, protocol: 'TCP' }];
    const errs = pods.validateUpdate!(upd, old, { ...ctx, operation: 'update' });
    expect(errs).toHaveLength(1);
    expect(errs[0].field).toBe('spec');
    const msg = errInvalid('', 'Pod', 'p', errs).message;
    expect(msg.startsWith(`Pod "p" is invalid: spec: Forbidden: ${POD_UPDATE_FORBIDDEN_PREFIX}\n`)).toBe(true);
    expect(POD_UPDATE_FORBIDDEN_PREFIX).toBe(
      'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
    expect(msg).toContain('spec.containers[0].ports');
  });

  it('adding containers is forbidden', () => {
    const old = base();
    const upd = structuredClone(old);
    upd.spec.containers.push({ name: 'd', image: 'x' });
    expect(pods.validateUpdate!(upd, old, { ...ctx, operation: 'update' }).map((e) => e.detail)).toEqual(['pod updates may not add or remove containers']);
  });

  it('updates keep status; status updates keep spec', () => {
    const old = base();
    old.status = { phase: 'Running', qosClass: 'BestEffort' };
    const upd = structuredClone(old);
    upd.status = { phase: 'Failed' };
    pods.prepareForUpdate!(upd, old);
    expect(upd.status.phase).toBe('Running');
    const st = structuredClone(old);
    st.spec.nodeName = 'elsewhere';
    st.status = { phase: 'Succeeded' };
    pods.prepareForStatusUpdate!(st, old);
    expect(st.spec.nodeName).toBeUndefined();
    expect(st.status).toEqual({ phase: 'Succeeded', qosClass: 'BestEffort' });
  });
});

describe('pod field selectors', () => {
  it('serve the fields the scheduler and kubectl use', () => {
    const p = created({ containers: [{ name: 'c', image: 'x' }], nodeName: 'node-1' });
    p.status.podIPs = [{ ip: '10.244.1.5' }];
    const f = pods.fieldSelectors!;
    expect(f['spec.nodeName'](p)).toBe('node-1');
    expect(f['status.phase'](p)).toBe('Pending');
    expect(f['status.podIP'](p)).toBe('10.244.1.5');
    expect(f['spec.hostNetwork'](p)).toBe('false');
    expect(f['spec.restartPolicy'](p)).toBe('Always');
  });
});
