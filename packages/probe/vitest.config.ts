import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@none/probe',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
