import { afterEach, describe, expect, it } from 'vitest';
import { defaultThreads } from './init-backend';

describe('defaultThreads', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env.VITEST = saved.VITEST;
    delete process.env.NONE_WASM_THREADS;
    if (saved.JEST_WORKER_ID === undefined) delete process.env.JEST_WORKER_ID;
  });

  it('is 1 under a test runner, whose files already run in parallel', () => {
    expect(process.env.VITEST).toBeDefined();
    expect(defaultThreads()).toBe(1);
  });

  it('follows NONE_WASM_THREADS when it is a positive integer', () => {
    process.env.NONE_WASM_THREADS = '3';
    expect(defaultThreads()).toBe(3);
    process.env.NONE_WASM_THREADS = 'many';
    expect(defaultThreads()).toBe(1);
  });

  it('is the number of cores (at most 8) otherwise', () => {
    delete process.env.VITEST;
    const threads = defaultThreads();
    expect(threads).toBeGreaterThanOrEqual(1);
    expect(threads).toBeLessThanOrEqual(8);
  });
});
