import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StatusError } from '../errors';
import { decodeK8sProtobuf, isProtobufMediaType, protobufSupported } from './decode';
import { getWireSchema, setWireSchema } from './schema';
import fixtures from './fixtures/kubectl-1.33-requests.json';

interface Fixture {
  command: string;
  method: string;
  path: string;
  body: string;
  expected: Record<string, unknown>;
  expectedFrom: string;
}
const cases = fixtures as Record<string, Fixture>;

beforeAll(() => {
  if (!protobufSupported()) throw new Error('no protobuf wire schema: run `node scripts/gen-protobuf.mjs [path-to-kubectl]` first');
});

describe('bodies captured from kubectl 1.33', () => {
  for (const [name, fx] of Object.entries(cases)) {
    if (name === 'approve') continue;
    it(`${fx.command} decodes to what ${fx.expectedFrom} shows`, () => {
      const decoded = decodeK8sProtobuf(Buffer.from(fx.body, 'base64'));
      expect(decoded.object).toEqual(fx.expected);
      expect(decoded.apiVersion).toBe(fx.expected.apiVersion);
      expect(decoded.kind).toBe(fx.expected.kind);
    });
  }

  it('certificate approve: a stored object with timestamps, managedFields, bytes and ExtraValue maps', () => {
    const fx = cases.approve;
    const decoded = decodeK8sProtobuf(Buffer.from(fx.body, 'base64')).object as { status: { conditions: { lastUpdateTime: string }[] } };
    // The two kubectl runs stamped the approval condition a moment apart.
    const expected = structuredClone(fx.expected) as typeof decoded;
    expect(decoded.status.conditions[0].lastUpdateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expected.status.conditions[0].lastUpdateTime = decoded.status.conditions[0].lastUpdateTime;
    expect(decoded).toEqual(expected);
  });

  it('keeps explicitly encoded zeros and negative int32s', () => {
    const deploy = decodeK8sProtobuf(Buffer.from(cases.deployment.body, 'base64')).object as { spec: { replicas: number } };
    expect(deploy.spec.replicas).toBe(0);
    const pc = decodeK8sProtobuf(Buffer.from(cases.priorityclass.body, 'base64')).object as { value: number };
    expect(pc.value).toBe(-5);
  });
});

describe('envelope errors', () => {
  const saved = getWireSchema();
  afterEach(() => setWireSchema(saved));

  const statusOf = (fn: () => unknown): { code: number; reason?: string; message: string } => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(StatusError);
      return (e as StatusError).status as never;
    }
    throw new Error('expected a StatusError');
  };

  it('rejects bodies without the k8s magic prefix', () => {
    expect(statusOf(() => decodeK8sProtobuf(Buffer.from('{"kind":"Pod"}'))).code).toBe(400);
  });

  it('rejects truncated messages', () => {
    const body = Buffer.from(cases.namespace.body, 'base64');
    expect(statusOf(() => decodeK8sProtobuf(body.subarray(0, body.length - 3))).code).toBe(400);
  });

  it('rejects kinds the schema does not know', () => {
    const body = Buffer.from(cases.namespace.body, 'base64');
    const renamed = Buffer.from(body.toString('latin1').replace('Namespace', 'Namespacf'), 'latin1');
    const st = statusOf(() => decodeK8sProtobuf(renamed));
    expect(st.code).toBe(400);
    expect(st.message).toContain('no kind "Namespacf" is registered for version "v1"');
  });

  it('answers 415 when the build carried no wire schema', () => {
    setWireSchema({ source: null, types: {} });
    expect(protobufSupported()).toBe(false);
    const st = statusOf(() => decodeK8sProtobuf(Buffer.from(cases.namespace.body, 'base64')));
    expect(st.code).toBe(415);
    expect(st.reason).toBe('UnsupportedMediaType');
  });
});

describe('isProtobufMediaType', () => {
  it('matches the Kubernetes protobuf media type only', () => {
    expect(isProtobufMediaType('application/vnd.kubernetes.protobuf')).toBe(true);
    expect(isProtobufMediaType('Application/Vnd.Kubernetes.Protobuf; charset=utf-8')).toBe(true);
    expect(isProtobufMediaType('application/vnd.kubernetes.protobuf;stream=watch')).toBe(true);
    expect(isProtobufMediaType('application/json')).toBe(false);
    expect(isProtobufMediaType('application/apply-patch+cbor')).toBe(false);
  });
});
