import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@none/bench',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
