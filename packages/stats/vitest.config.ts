import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@none/stats',
    include: ['src/**/*.test.ts'],
  },
});
