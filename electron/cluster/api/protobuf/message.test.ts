// Hand-built bodies for encodings kubectl's create commands never produce. Field numbers come from the
// generated schema (the real captured bodies in decode.test.ts are what pin the numbers themselves).
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeK8sProtobuf, protobufSupported } from './decode';
import { getWireSchema } from './schema';
import { goDuration } from './special';
import { bytes, envelope, int, msg, packed, varint } from './fixtures/encode';

const META = 'k8s.io/apimachinery/pkg/apis/meta/v1';

/** Field number of `json` in Go type `type` per the generated schema. */
function n(type: string, json: string): number {
  const f = getWireSchema().types[type]?.fields.find((x) => x.json === json);
  if (!f) throw new Error(`schema has no ${type}.${json}`);
  return f.num;
}
const meta = (...parts: Buffer[]) => msg(n('k8s.io/api/core/v1.Namespace', 'metadata'), ...parts);
const name = (s: string) => bytes(n(`${META}.ObjectMeta`, 'name'), s);

beforeAll(() => {
  if (!protobufSupported()) throw new Error('no protobuf wire schema: run `node scripts/gen-protobuf.mjs [path-to-kubectl]` first');
});

describe('special types', () => {
  it('metav1.Time becomes RFC3339 seconds in UTC; MicroTime keeps six fractional digits', () => {
    const ts = (seconds: number, nanos: number) => [int(1, seconds), int(2, nanos)];
    const ns = decodeK8sProtobuf(
      envelope('v1', 'Namespace', meta(name('a'), msg(n(`${META}.ObjectMeta`, 'creationTimestamp'), ...ts(1700000000, 999_999_999)))),
    ).object;
    expect(ns.metadata).toEqual({ name: 'a', creationTimestamp: '2023-11-14T22:13:20Z' });

    const ev = 'k8s.io/api/events/v1.Event';
    const event = decodeK8sProtobuf(envelope('events.k8s.io/v1', 'Event', msg(n(ev, 'eventTime'), ...ts(1700000000, 123_456_789)))).object;
    expect(event.eventTime).toBe('2023-11-14T22:13:20.123456Z');
  });

  it('RawExtension carries embedded JSON', () => {
    const cr = 'k8s.io/api/apps/v1.ControllerRevision';
    const obj = decodeK8sProtobuf(
      envelope('apps/v1', 'ControllerRevision', msg(n(cr, 'data'), bytes(1, '{"spec":{"x":[1,"y"]}}')), int(n(cr, 'revision'), 3)),
    ).object;
    expect(obj.data).toEqual({ spec: { x: [1, 'y'] } });
    expect(obj.revision).toBe(3);
  });

  it('IntOrString holds either form', () => {
    const sp = 'k8s.io/api/core/v1.ServicePort';
    const spec = 'k8s.io/api/core/v1.ServiceSpec';
    const port = (...p: Buffer[]) => msg(n(spec, 'ports'), int(n(sp, 'port'), 80), ...p);
    const obj = decodeK8sProtobuf(
      envelope(
        'v1',
        'Service',
        msg(
          n('k8s.io/api/core/v1.Service', 'spec'),
          port(msg(n(sp, 'targetPort'), int(1, 0), int(2, 8080))),
          port(msg(n(sp, 'targetPort'), int(1, 1), bytes(3, 'http'))),
        ),
      ),
    ).object as { spec: { ports: { targetPort: unknown }[] } };
    expect(obj.spec.ports.map((p) => p.targetPort)).toEqual([8080, 'http']);
  });

  it('formats durations like Go', () => {
    expect(goDuration(0n)).toBe('0s');
    expect(goDuration(1_500_000n)).toBe('1.5ms');
    expect(goDuration(90_000_000_000n)).toBe('1m30s');
    expect(goDuration(3_600_000_000_000n)).toBe('1h0m0s');
    expect(goDuration(-2_500_000_000n)).toBe('-2.5s');
    expect(goDuration(999n)).toBe('999ns');
  });
});

describe('repeated scalars and integers', () => {
  const psc = 'k8s.io/api/core/v1.PodSecurityContext';
  const podSpec = 'k8s.io/api/core/v1.PodSpec';
  const pod = (...sc: Buffer[]) => envelope('v1', 'Pod', msg(n('k8s.io/api/core/v1.Pod', 'spec'), msg(n(podSpec, 'securityContext'), ...sc)));
  const groups = (o: Record<string, unknown>) => (o.spec as { securityContext: { supplementalGroups: number[] } }).securityContext.supplementalGroups;

  it('accepts packed and unpacked encodings of the same list', () => {
    const f = n(psc, 'supplementalGroups');
    expect(groups(decodeK8sProtobuf(pod(packed(f, [1000, 2000, 3000]))).object)).toEqual([1000, 2000, 3000]);
    expect(groups(decodeK8sProtobuf(pod(int(f, 1000), int(f, 2000), int(f, 3000))).object)).toEqual([1000, 2000, 3000]);
  });

  it('decodes negative numbers sent as ten-byte varints', () => {
    expect(varint(-1).length).toBe(10);
    const obj = decodeK8sProtobuf(pod(int(n(psc, 'runAsUser'), -7))).object as { spec: { securityContext: { runAsUser: number } } };
    expect(obj.spec.securityContext.runAsUser).toBe(-7);
  });
});

describe('DeleteOptions and Eviction', () => {
  const opts = `${META}.DeleteOptions`;
  const deleteOptions = () => [
    int(n(opts, 'gracePeriodSeconds'), 0),
    msg(n(opts, 'preconditions'), bytes(n(`${META}.Preconditions`, 'uid'), 'u-1')),
    bytes(n(opts, 'propagationPolicy'), 'Foreground'),
    bytes(n(opts, 'dryRun'), 'All'),
  ];
  const expected = { gracePeriodSeconds: 0, preconditions: { uid: 'u-1' }, propagationPolicy: 'Foreground', dryRun: ['All'] };

  it('maps DeleteOptions sent under any group version to meta/v1', () => {
    for (const apiVersion of ['v1', 'apps/v1', 'meta.k8s.io/v1']) {
      const { object } = decodeK8sProtobuf(envelope(apiVersion, 'DeleteOptions', ...deleteOptions()));
      expect(object).toEqual({ apiVersion, kind: 'DeleteOptions', ...expected });
    }
  });

  it('decodes an Eviction with nested delete options', () => {
    const ev = 'k8s.io/api/policy/v1.Eviction';
    const { object } = decodeK8sProtobuf(
      envelope(
        'policy/v1',
        'Eviction',
        msg(n(ev, 'metadata'), name('web-1'), bytes(n(`${META}.ObjectMeta`, 'namespace'), 'default')),
        msg(n(ev, 'deleteOptions'), ...deleteOptions()),
      ),
    );
    expect(object).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-1', namespace: 'default', creationTimestamp: null },
      deleteOptions: expected,
    });
  });
});

describe('Go JSON shape', () => {
  it('ignores unknown fields, drops empty omitempty scalars, keeps structs and shows absent plain lists as null', () => {
    const body = envelope('v1', 'Namespace', meta(name(''), bytes(n(`${META}.ObjectMeta`, 'namespace'), 'x')), bytes(999, 'future field'));
    expect(decodeK8sProtobuf(body).object).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { namespace: 'x', creationTimestamp: null },
      spec: {},
      status: {},
    });

    const rr = 'k8s.io/api/authorization/v1.SelfSubjectRulesReview';
    const obj = decodeK8sProtobuf(envelope('authorization.k8s.io/v1', 'SelfSubjectRulesReview', msg(n(rr, 'status')))).object;
    expect(obj.status).toEqual({ resourceRules: null, nonResourceRules: null, incomplete: false });
  });
});
