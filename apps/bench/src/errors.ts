const marker = Symbol.for('@none/bench.error');

/**
 * What went wrong, as a stable string a caller can switch on.
 *
 * - `E_INVALID_ARGUMENT`: a command-line option or a function argument is out of its
 *   documented range (`--suite`, `--seeds`, `--only`, a scale, a queue URL, a figure setting).
 * - `E_INVALID_PARAMS`: a run's `spec.params` do not match its kind's schema.
 * - `E_INVALID_CONFIG`: a run's experiment config does not fit its kind (e.g. a federated run
 *   without a BadNets attack).
 * - `E_INVALID_SUITE`: a suite definition is inconsistent (two runs with the same id).
 * - `E_INVALID_RESULTS`: a `results.jsonl` line is not a JSON result.
 * - `E_NOT_FOUND`: something the bench needs is missing (the built worker script, redis-server).
 * - `E_WORKER`: a worker process failed to start or answered out of protocol.
 * - `E_RENDER`: a chart spec does not compile or asks for data the renderer does not give.
 */
export type BenchErrorCode =
  | 'E_INVALID_ARGUMENT'
  | 'E_INVALID_PARAMS'
  | 'E_INVALID_CONFIG'
  | 'E_INVALID_SUITE'
  | 'E_INVALID_RESULTS'
  | 'E_NOT_FOUND'
  | 'E_WORKER'
  | 'E_RENDER';

/** Options of the {@link BenchError} constructor. */
export interface BenchErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one error class thrown by `@none/bench`. Messages name the run, option or function, the
 * constraint and the value received, and say how to fix it:
 * `--seeds: the range 4-2 runs backwards`.
 *
 * Use {@link BenchError.isInstance} rather than `instanceof`: it also recognises errors thrown
 * by another copy of the package (a `Symbol.for` brand, as in vercel/ai).
 *
 * @example
 * ```ts
 * try { resolveScale('huge'); }
 * catch (error) { if (BenchError.isInstance(error)) console.log(error.code); } // E_INVALID_ARGUMENT
 * ```
 */
export class BenchError extends Error {
  /** Brand recognised by {@link BenchError.isInstance}. */
  readonly [marker] = true;
  override readonly name = 'BenchError';
  readonly code: BenchErrorCode;

  constructor(code: BenchErrorCode, message: string, options?: BenchErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** True for a `BenchError` from any copy of this package (where `instanceof` can fail). */
  static isInstance(error: unknown): error is BenchError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
