import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@none/backend',
    include: ['src/**/*.test.ts'],
  },
});
