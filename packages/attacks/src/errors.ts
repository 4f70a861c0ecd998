const marker = Symbol.for('@none/attacks.error');

/**
 * What went wrong, as a stable string a caller can switch on.
 *
 * - `E_INVALID_ARGUMENT`: an option or argument is out of range or of the wrong kind.
 * - `E_SHAPE_MISMATCH`: an array's length does not match the shape it comes with.
 * - `E_NOT_ENOUGH_SAMPLES`: the requested poison count exceeds the eligible samples.
 * - `E_INTEGRITY`: a poisoned dataset read from disk does not match its manifest.
 * - `E_IO`: a file could not be read or written.
 * - `E_UNSUPPORTED`: the platform lacks something needed (e.g. little-endian byte order).
 */
export type AttackErrorCode =
  | 'E_INVALID_ARGUMENT'
  | 'E_SHAPE_MISMATCH'
  | 'E_NOT_ENOUGH_SAMPLES'
  | 'E_INTEGRITY'
  | 'E_IO'
  | 'E_UNSUPPORTED';

/** Options of the {@link AttackError} constructor. */
export interface AttackErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one error class thrown by `@none/attacks`.
 *
 * Use {@link AttackError.isInstance} rather than `instanceof`: it also recognises errors
 * thrown by another copy of the package (a `Symbol.for` brand, as in vercel/ai).
 *
 * @example
 * ```ts
 * try { poisonDataset(ds, { type: 'badnets' }, { rate: 2, seed: 0 }); }
 * catch (error) { if (AttackError.isInstance(error)) console.log(error.code); } // E_INVALID_ARGUMENT
 * ```
 */
export class AttackError extends Error {
  /** Brand recognised by {@link AttackError.isInstance}. */
  readonly [marker] = true;

  override readonly name = 'AttackError';
  readonly code: AttackErrorCode;

  /**
   * @param code - stable error code
   * @param message - names the function, the argument, the expected and the actual value
   * @param options - the underlying error, if any
   */
  constructor(code: AttackErrorCode, message: string, options?: AttackErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** True when `error` is an {@link AttackError} from any copy of this package. */
  static isInstance(error: unknown): error is AttackError {
    return (
      typeof error === 'object' &&
      error !== null &&
      marker in error &&
      (error as { [marker]: unknown })[marker] === true
    );
  }
}
