// electron-builder configuration for `npm run dist`. The main-process bundles (dist/main.cjs, dist/preload.cjs,
// dist/cli.cjs) and renderer/dist go into app.asar; native modules are unpacked so they can be loaded, and
// node-pty's spawn-helper keeps its execute bit; labs/ and resources/ (with the kubectl placed by beforePack)
// ship beside the asar.
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'io.kubelab.desktop',
  productName: 'KubeLab',
  directories: { output: 'release', buildResources: 'resources' },
  extraMetadata: { main: 'dist/main.cjs' },
  files: [
    'dist/**/*.cjs',
    'renderer/dist/**',
    'package.json',
    '!**/*.map',
    '!**/*.{ts,mts,md}',
  ],
  asar: true,
  asarUnpack: [
    '**/node_modules/node-pty/**',
    '**/node_modules/better-sqlite3/**',
    '**/*.node',
  ],
  extraResources: [
    { from: 'labs', to: 'labs', filter: ['**/*'] },
    { from: 'resources', to: 'resources', filter: ['**/*', '!bin/.gitkeep'] },
  ],
  npmRebuild: true,
  beforePack: './resources/before-pack.cjs',
  afterPack: './resources/after-pack.cjs',
  linux: { target: ['AppImage', 'deb'], category: 'Education' },
  mac: { target: ['dmg'], category: 'public.app-category.education', hardenedRuntime: true },
  win: { target: ['nsis'] },
};
