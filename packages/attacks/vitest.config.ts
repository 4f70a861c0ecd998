import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@none/attacks',
    include: ['src/**/*.test.ts'],
  },
});
