const marker = Symbol.for('@none/config.error');

/** An invalid config: `message` lists every bad field by path (zod's pretty format). */
export class ConfigError extends Error {
  readonly [marker] = true;
  override readonly name = 'ConfigError';
  readonly code: 'E_INVALID_CONFIG' | 'E_READ';
  /** Where the config came from (a file path), when known. */
  readonly file?: string;

  constructor(
    code: 'E_INVALID_CONFIG' | 'E_READ',
    message: string,
    options?: { cause?: unknown; file?: string },
  ) {
    super(message, { cause: options?.cause });
    this.code = code;
    if (options?.file !== undefined) this.file = options.file;
  }

  static isInstance(error: unknown): error is ConfigError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
