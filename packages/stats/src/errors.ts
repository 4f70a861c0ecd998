const marker = Symbol.for('@none/stats.error');

/**
 * What went wrong, as a stable string a caller can switch on.
 *
 * - `E_INVALID_TYPE`: an argument is the wrong kind of value (not an array, not a number, not
 *   an object).
 * - `E_EMPTY_INPUT`: `values` holds no value.
 * - `E_NOT_FINITE`: `values` holds NaN or ±Infinity.
 * - `E_INVALID_ARGUMENT`: an argument is the right kind of value but out of its documented range
 *   (`classes`, `bins`, `ddof`, `q`, a seed, a generator state, an output length).
 */
export type StatsErrorCode =
  | 'E_INVALID_TYPE'
  | 'E_EMPTY_INPUT'
  | 'E_NOT_FINITE'
  | 'E_INVALID_ARGUMENT';

/** Options of the {@link StatsError} constructor. */
export interface StatsErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one error class thrown by `@none/stats`. Messages name the function, the argument, the
 * constraint and the value received: `jenksBreaks: classes must be an integer in [2, 6], got 1`.
 *
 * Use {@link StatsError.isInstance} rather than `instanceof`: it also recognises errors thrown
 * by another copy of the package (a `Symbol.for` brand, as in vercel/ai).
 *
 * @example
 * ```ts
 * try { mean([]); }
 * catch (error) { if (StatsError.isInstance(error)) console.log(error.code); } // E_EMPTY_INPUT
 * ```
 */
export class StatsError extends Error {
  /** Brand recognised by {@link StatsError.isInstance}. */
  readonly [marker] = true;
  override readonly name = 'StatsError';
  readonly code: StatsErrorCode;

  constructor(code: StatsErrorCode, message: string, options?: StatsErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** True for a `StatsError` from any copy of this package (where `instanceof` can fail). */
  static isInstance(error: unknown): error is StatsError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
