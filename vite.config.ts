// The renderer's build: Svelte 5 + Vite, output in renderer/dist (served by web mode, loaded by Electron).
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000, sourcemap: false },
  server: { strictPort: false },
});
