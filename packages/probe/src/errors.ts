const marker = Symbol.for('@none/probe.error');

export type ProbeErrorCode =
  | 'E_INVALID_ARGUMENT'
  | 'E_NOT_FOUND'
  | 'E_SHAPE_MISMATCH'
  | 'E_DISPOSED';

/** The one error class of `@none/probe`. */
export class ProbeError extends Error {
  readonly [marker] = true;
  override readonly name = 'ProbeError';
  readonly code: ProbeErrorCode;

  constructor(code: ProbeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `ProbeError` from any copy of this package. */
  static isInstance(error: unknown): error is ProbeError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
