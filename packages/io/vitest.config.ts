import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@none/io',
    include: ['src/**/*.test.ts'],
    // All projects' tests share the machine's cores in one run: under CI's load a test that
    // takes 1 s alone can pass 5 s (vitest's default), so the limit is generous. No test
    // asserts a time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
