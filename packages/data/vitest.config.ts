import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@none/data',
    include: ['src/**/*.test.ts'],
  },
});
