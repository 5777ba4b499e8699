// Component tests for the renderer (Svelte 5 in jsdom). Run: npx vitest run --config renderer/vitest.config.mts
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  plugins: [svelte({ hot: false } as never)],
  resolve: { conditions: ['browser'] },
  test: {
    name: 'renderer',
    include: ['renderer/src/**/*.test.ts'],
    environment: 'jsdom',
    pool: 'forks',
  },
});
