import { describe, expect, it } from 'vitest';
import { DataError } from './errors';

describe('DataError', () => {
  it('carries a code, a file and a cause', () => {
    const cause = new Error('low level');
    const error = new DataError('E_TRUNCATED', 'f.bin: too short', { file: 'f.bin', cause });
    expect(error.name).toBe('DataError');
    expect(error.code).toBe('E_TRUNCATED');
    expect(error.file).toBe('f.bin');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('recognises instances by brand, not by prototype', () => {
    const error = new DataError('E_DECODE', 'x');
    expect(DataError.isInstance(error)).toBe(true);
    expect(DataError.isInstance({ ...error, [Symbol.for('@none/data.error')]: true })).toBe(true);
    expect(DataError.isInstance(new Error('x'))).toBe(false);
    expect(DataError.isInstance(null)).toBe(false);
    expect(DataError.isInstance('E_DECODE')).toBe(false);
  });
});
