const marker = Symbol.for('@none/trainer.error');

export type TrainerErrorCode =
  | 'E_INVALID_ARGUMENT'
  | 'E_SHAPE_MISMATCH'
  | 'E_CHECKPOINT'
  | 'E_NOT_FOUND'
  | 'E_DIVERGED';

/** The one error class of `@none/trainer`. Messages say what was wrong and how to fix it. */
export class TrainerError extends Error {
  readonly [marker] = true;
  override readonly name = 'TrainerError';
  readonly code: TrainerErrorCode;

  constructor(code: TrainerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `TrainerError` from any copy of this package. */
  static isInstance(error: unknown): error is TrainerError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
