const marker = Symbol.for('@none/data.error');

/** What went wrong, for programs that branch on it. */
export type DataErrorCode =
  /** The file ends before the data its header (or record size) promises. */
  | 'E_TRUNCATED'
  /** The file has bytes after the last record its header announces. */
  | 'E_TRAILING_DATA'
  /** The file does not start with the magic number of its format. */
  | 'E_BAD_MAGIC'
  /** Two files (or a file and its header) disagree on how many samples there are. */
  | 'E_COUNT_MISMATCH'
  /** A label is negative, not an integer or not below the number of classes. */
  | 'E_LABEL_RANGE'
  /** An image cannot be decoded, or decodes to something other than announced. */
  | 'E_DECODE'
  /** A text file (for example a GTSRB ground-truth CSV) has a malformed line. */
  | 'E_PARSE'
  /** A class folder holds no image. */
  | 'E_EMPTY_CLASS'
  /** A file or folder the format requires does not exist. */
  | 'E_NOT_FOUND'
  /** Datasets cannot be combined (different image sizes, class names). */
  | 'E_SHAPE_MISMATCH'
  /** An option or argument is out of its documented range. */
  | 'E_INVALID_ARGUMENT';

/** Options of the {@link DataError} constructor. */
export interface DataErrorOptions {
  /** The file (or folder) the problem was found in, when there is one. */
  file?: string;
  /** The underlying error (an `fs` or `sharp` error, for example). */
  cause?: unknown;
}

/**
 * The one error class of `@none/data`. `code` says what went wrong, `file` where; the message
 * names the file and compares what was expected with what was found.
 */
export class DataError extends Error {
  readonly [marker] = true;
  override readonly name = 'DataError';
  readonly code: DataErrorCode;
  /** The file (or folder) the problem was found in; `undefined` for in-memory arguments. */
  readonly file: string | undefined;

  constructor(code: DataErrorCode, message: string, options: DataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
  }

  /** True for a `DataError` from any copy of this package (where `instanceof` can fail). */
  static isInstance(error: unknown): error is DataError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
