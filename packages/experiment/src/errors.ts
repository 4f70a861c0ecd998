const marker = Symbol.for('@none/experiment.error');

/** What went wrong, for programs that branch on it. */
export type ExperimentErrorCode =
  /** An option, or a combination of options and run arguments, is invalid. */
  | 'E_INVALID_ARGUMENT'
  /** The caller's poisoned set does not fit the training set. */
  | 'E_SHAPE_MISMATCH'
  /** The checkpoint to resume from was made with another config. */
  | 'E_CHECKPOINT';

/** The one error class of `@none/experiment`. Messages say what was wrong and how to fix it. */
export class ExperimentError extends Error {
  readonly [marker] = true;
  override readonly name = 'ExperimentError';
  readonly code: ExperimentErrorCode;

  constructor(code: ExperimentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `ExperimentError` from any copy of this package. */
  static isInstance(error: unknown): error is ExperimentError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
