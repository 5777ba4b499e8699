import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // shared watch/cache objects are frozen under test, so a component that mutates one fails loudly
    env: { KUBELAB_FREEZE_SHARED: '1' },
  },
});
