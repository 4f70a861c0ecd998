import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@none/baselines',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
