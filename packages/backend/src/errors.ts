const marker = Symbol.for('@none/backend.error');

/**
 * Error codes of `BackendError`.
 *
 * - `E_BACKEND_UNAVAILABLE`: the requested tfjs backend cannot load or start.
 * - `E_INVALID_ARGUMENT`: an option is out of its documented range.
 * - `E_UNSUPPORTED`: a kernel got a configuration (dtype, data format, platform feature) that the
 *   wasm training kernels do not handle and tfjs has no fallback for.
 * - `E_INTERNAL`: an invariant of the backend broke (a helper thread stopped, a tensor is not on
 *   the expected backend); a bug to report, not a usage error.
 */
export type BackendErrorCode =
  | 'E_BACKEND_UNAVAILABLE'
  | 'E_INVALID_ARGUMENT'
  | 'E_UNSUPPORTED'
  | 'E_INTERNAL';

/** Options of the {@link BackendError} constructor. */
export interface BackendErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/** The one error class of `@none/backend`. */
export class BackendError extends Error {
  readonly [marker] = true;
  override readonly name = 'BackendError';
  readonly code: BackendErrorCode;

  constructor(code: BackendErrorCode, message: string, options?: BackendErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** True for any `BackendError`, also one thrown by another copy of this package. */
  static isInstance(error: unknown): error is BackendError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
