import { describe, expect, it } from 'vitest';
import { activationLayer } from './activations';
import { ModelError } from './errors';

describe('activationLayer', () => {
  it('throws ModelError E_INVALID_ARGUMENT for an activation it does not know', () => {
    expect(() => activationLayer('swish' as never, 'act')).toThrow(
      new ModelError('E_INVALID_ARGUMENT', 'activationLayer: unknown activation swish'),
    );
  });
});
