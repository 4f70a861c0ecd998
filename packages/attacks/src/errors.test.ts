import { describe, expect, it } from 'vitest';
import { AttackError } from './errors';

describe('AttackError', () => {
  it('carries a name, a code, a message and a cause', () => {
    const cause = new Error('disk full');
    const error = new AttackError('E_IO', 'cannot write x', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AttackError');
    expect(error.code).toBe('E_IO');
    expect(error.message).toBe('cannot write x');
    expect(error.cause).toBe(cause);
  });

  it('isInstance recognises the brand, also from another copy of the package', () => {
    expect(AttackError.isInstance(new AttackError('E_INTEGRITY', 'x'))).toBe(true);
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@none/attacks.error')]: true });
    expect(AttackError.isInstance(foreign)).toBe(true);
    expect(AttackError.isInstance(new Error('x'))).toBe(false);
    expect(AttackError.isInstance(null)).toBe(false);
    expect(AttackError.isInstance('E_IO')).toBe(false);
  });
});
