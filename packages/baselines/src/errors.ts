const marker = Symbol.for('@none/baselines.error');

/** What went wrong, for programs that branch on it. */
export type BaselineErrorCode =
  /** An option or argument is out of its documented range. */
  | 'E_INVALID_ARGUMENT'
  /** Arrays, weights or a model do not have the shape the defense needs. */
  | 'E_SHAPE_MISMATCH'
  /** A resumed state does not fit the run it is resumed into. */
  | 'E_CHECKPOINT'
  /** A layer or neuron the defense needs is not in the model. */
  | 'E_NOT_FOUND'
  /** Training produced a non-finite loss. */
  | 'E_DIVERGED';

/** The one error class of `@none/baselines`. Messages say what was wrong and how to fix it. */
export class BaselineError extends Error {
  readonly [marker] = true;
  override readonly name = 'BaselineError';
  readonly code: BaselineErrorCode;

  constructor(code: BaselineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `BaselineError` from any copy of this package. */
  static isInstance(error: unknown): error is BaselineError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
