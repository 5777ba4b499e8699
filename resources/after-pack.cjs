// electron-builder afterPack: node-pty starts shells on macOS/Linux through its spawn-helper, which must stay
// executable after unpacking from the asar; copying can drop the run bit, so it is set again here.
const { chmodSync, existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (f === 'spawn-helper' || (f === 'kubectl' && dir.endsWith(join('resources', 'bin')))) out.push(p);
  }
  return out;
}

module.exports = async function afterPack(ctx) {
  if (ctx.electronPlatformName === 'win32') return;
  for (const p of walk(ctx.appOutDir)) {
    chmodSync(p, 0o755);
    console.log(`kubelab afterPack: +x ${p}`);
  }
};
