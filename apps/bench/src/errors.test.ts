import { ConfigError } from '@none/config';
import { StatsError } from '@none/stats';
import { runCommand } from 'citty';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isKnownError } from './_known-errors';
import { benchCommand, parseSeeds } from './commands';
import { BenchError } from './errors';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('BenchError', () => {
  it('carries its code, name and cause, and is recognised by its brand', () => {
    const cause = new Error('inner');
    const error = new BenchError('E_INVALID_PARAMS', 'bad params', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'BenchError', code: 'E_INVALID_PARAMS', cause });
    expect(BenchError.isInstance(error)).toBe(true);
    // Another copy of the package: same brand, another class.
    const copy = Object.assign(new Error('x'), { [Symbol.for('@none/bench.error')]: true });
    expect(BenchError.isInstance(copy)).toBe(true);
    expect(BenchError.isInstance(new RangeError('x'))).toBe(false);
    expect(BenchError.isInstance(null)).toBe(false);
  });

  it('is what the argument parsers throw', () => {
    expect(() => parseSeeds('5-3')).toThrow(
      expect.objectContaining({ name: 'BenchError', code: 'E_INVALID_ARGUMENT' }),
    );
  });
});

describe('isKnownError', () => {
  it('recognises the bench and the NONE packages by brand, not built-in errors', () => {
    expect(isKnownError(new BenchError('E_WORKER', 'x'))).toBe(true);
    expect(isKnownError(new StatsError('E_EMPTY_INPUT', 'x'))).toBe(true);
    expect(isKnownError(new ConfigError('E_INVALID_CONFIG', 'x'))).toBe(true);
    expect(isKnownError(new RangeError('invalid experiment config'))).toBe(false);
    expect(isKnownError(new Error('x'))).toBe(false);
  });
});

describe('none bench', () => {
  it('prints a known error as one line and exits with 1', async () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    await runCommand(benchCommand, { rawArgs: ['--suite', 'nope', '--scale', 'smoke'] });
    expect(stderr).toMatch(/^none bench: unknown suite "nope"; the suites are: .*, all\n$/);
    expect(process.exitCode).toBe(1);
  });
});
