// electron-builder configuration for `npm run dist`. The main-process bundles (dist/main.cjs, dist/preload.cjs,
// dist/cli.cjs) and renderer/dist go into app.asar; native modules are unpacked so they can be loaded, and
// node-pty's spawn-helper keeps its execute bit; labs/ and resources/ (with the kubectl and helm placed by beforePack)
// ship beside the asar.
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'io.kubelab.desktop',
  productName: 'KubeLab',
  directories: { output: 'release', buildResources: 'resources' },
  extraMetadata: { main: 'dist/main.cjs' },
  files: ['dist/**/*.cjs', 'renderer/dist/**', 'package.json', '!**/*.map', '!**/*.{ts,mts,md}'],
  asar: true,
  asarUnpack: ['**/node_modules/node-pty/**', '**/node_modules/better-sqlite3/**', '**/*.node'],
  extraResources: [
    { from: 'labs', to: 'labs', filter: ['**/*'] },
    { from: 'resources', to: 'resources', filter: ['**/*', '!bin/.gitkeep'] },
  ],
  npmRebuild: true,
  beforePack: './resources/before-pack.cjs',
  afterPack: './resources/after-pack.cjs',
  // Electron's fuses, flipped in the packaged binary (electron-builder applies them with @electron/fuses before
  // signing): the app binary cannot be turned into a plain Node (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect),
  // loads its code only from an app.asar whose integrity is checked, and encrypts its cookie store. Nothing here
  // needs run-as-node: terminals spawn the user's shell and kubectl, not the app binary.
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
  },
  linux: { target: ['AppImage', 'deb'], category: 'Education' },
  mac: { target: ['dmg'], category: 'public.app-category.education', hardenedRuntime: true },
  win: { target: ['nsis'] },
};
