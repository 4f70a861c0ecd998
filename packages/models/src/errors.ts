const marker = Symbol.for('@none/models.error');

/** What went wrong, for programs that branch on it. */
export type ModelErrorCode =
  | 'E_INVALID_ARGUMENT'
  | 'E_UNKNOWN_ARCHITECTURE'
  | 'E_UNSUPPORTED_LAYER'
  | 'E_NOT_FOUND'
  | 'E_CORRUPT_MODEL';

/** The one error class of `@none/models`. Messages say what was wrong and how to fix it. */
export class ModelError extends Error {
  readonly [marker] = true;
  override readonly name = 'ModelError';
  readonly code: ModelErrorCode;

  constructor(code: ModelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `ModelError` from any copy of this package (where `instanceof` can fail). */
  static isInstance(error: unknown): error is ModelError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
