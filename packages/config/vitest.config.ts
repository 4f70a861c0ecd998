import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@none/config',
    include: ['src/**/*.test.ts'],
  },
});
