// End-to-end tests: web mode in Chromium (always), Electron when its binary exists. Run with `npm run e2e`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { KUBELAB_FREEZE_SHARED: '1' },
    fileParallelism: false,
  },
});
