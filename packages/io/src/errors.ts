const marker = Symbol.for('@none/io.error');

/**
 * What went wrong, as a stable string a caller can switch on.
 *
 * - `E_INVALID_ARGUMENT`: `path` is empty or `data` is neither a string nor bytes.
 * - `E_IO`: the file system refused the write (permissions, a full disk, a missing drive).
 */
export type IoErrorCode = 'E_INVALID_ARGUMENT' | 'E_IO';

/**
 * The one error class thrown by `@none/io`; the file system's own error is its `cause`.
 * Use {@link IoError.isInstance} rather than `instanceof` (it also recognises another copy of
 * the package).
 */
export class IoError extends Error {
  /** Brand recognised by {@link IoError.isInstance}. */
  readonly [marker] = true;
  override readonly name = 'IoError';
  readonly code: IoErrorCode;

  constructor(code: IoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** True for an `IoError` from any copy of this package. */
  static isInstance(error: unknown): error is IoError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
