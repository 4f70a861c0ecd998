const marker = Symbol.for('@none/backend.error');

/** Error codes of `BackendError`. */
export type BackendErrorCode = 'E_BACKEND_UNAVAILABLE' | 'E_INVALID_ARGUMENT';

/** The one error class of `@none/backend`. */
export class BackendError extends Error {
  readonly [marker] = true;
  readonly code: BackendErrorCode;

  constructor(options: { code: BackendErrorCode; message: string; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BackendError';
    this.code = options.code;
  }

  /** True for any `BackendError`, also one thrown by another copy of this package. */
  static isInstance(error: unknown): error is BackendError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
