import { StatsError } from './errors';

/**
 * Internal argument checks shared by every public function of `@none/stats`.
 *
 * Messages follow one pattern: `<function>: <argument> must <rule>, got <value>`, so a caller can
 * see which call failed, which argument is wrong, what was expected and what was passed.
 * Every failure is a {@link StatsError}: `E_INVALID_TYPE` for the wrong kind of input,
 * `E_EMPTY_INPUT`, `E_NOT_FINITE` or `E_INVALID_ARGUMENT` for the right kind with a bad value.
 *
 * @internal never re-exported from `index.ts`.
 */

/** Renders a received value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') {
    return Object.is(value, -0) ? '-0' : String(value);
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'bigint') {
    return `${value}n`;
  }
  if (value === null) {
    return 'null';
  }
  if (value === undefined) {
    return 'undefined';
  }
  if (Array.isArray(value)) {
    return `an array of length ${value.length}`;
  }
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor.name}`;
  }
  if (typeof value === 'function') {
    return 'a function';
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isNumericArrayLike(values: unknown): values is ArrayLike<number> {
  if (Array.isArray(values)) {
    return true;
  }
  return (
    ArrayBuffer.isView(values) &&
    !(values instanceof DataView) &&
    !(values instanceof BigInt64Array) &&
    !(values instanceof BigUint64Array)
  );
}

/**
 * Checks that `values` is a non-empty array or numeric typed array of finite numbers.
 *
 * @throws {StatsError} `E_INVALID_TYPE` when `values` is not an array / typed array, or holds a non-number.
 * @throws {StatsError} `E_EMPTY_INPUT` when `values` is empty, `E_NOT_FINITE` when it holds NaN
 *   or ±Infinity.
 */
export function assertFiniteValues(
  functionName: string,
  values: unknown,
  argumentName = 'values',
): asserts values is ArrayLike<number> {
  if (!isNumericArrayLike(values)) {
    throw new StatsError(
      'E_INVALID_TYPE',
      `${functionName}: ${argumentName} must be an array or a numeric typed array, got ${describeValue(values)}`,
    );
  }
  const n = values.length;
  if (n === 0) {
    throw new StatsError(
      'E_EMPTY_INPUT',
      `${functionName}: ${argumentName} must contain at least one value, got an empty array`,
    );
  }
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (typeof value !== 'number') {
      throw new StatsError(
        'E_INVALID_TYPE',
        `${functionName}: ${argumentName} must contain only numbers, got ${describeValue(value)} at index ${i}`,
      );
    }
    if (!Number.isFinite(value)) {
      throw new StatsError(
        'E_NOT_FINITE',
        `${functionName}: ${argumentName} must contain only finite numbers, got ${describeValue(value)} at index ${i}`,
      );
    }
  }
}

/**
 * Checks that an options argument is absent or a plain object.
 *
 * @throws {StatsError} `E_INVALID_TYPE` when `options` is neither `undefined` nor an object.
 */
export function assertOptionsObject(
  functionName: string,
  options: unknown,
): asserts options is object | undefined {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new StatsError(
      'E_INVALID_TYPE',
      `${functionName}: options must be an object, got ${describeValue(options)}`,
    );
  }
}

/**
 * Checks that `value` is an integer in `[min, max]`. `rangeNote` explains where the bounds come
 * from, e.g. `'(the number of distinct values)'`.
 *
 * @throws {StatsError} `E_INVALID_TYPE` when `value` is not a number.
 * @throws {StatsError} `E_INVALID_ARGUMENT` when `value` is not an integer in range.
 */
export function assertIntegerInRange(
  functionName: string,
  argumentName: string,
  value: unknown,
  min: number,
  max: number,
  rangeNote = '',
): asserts value is number {
  const rule = `must be an integer in [${min}, ${max}]${rangeNote ? ` ${rangeNote}` : ''}`;
  if (typeof value !== 'number') {
    throw new StatsError(
      'E_INVALID_TYPE',
      `${functionName}: ${argumentName} ${rule}, got ${describeValue(value)}`,
    );
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `${functionName}: ${argumentName} ${rule}, got ${describeValue(value)}`,
    );
  }
}

/**
 * Checks that `value` is a finite number (and, when `exclusiveMin` is given, strictly above it).
 *
 * @throws {StatsError} `E_INVALID_TYPE` when `value` is not a number.
 * @throws {StatsError} `E_INVALID_ARGUMENT` when `value` is NaN, ±Infinity or not above `exclusiveMin`.
 */
export function assertFiniteNumber(
  functionName: string,
  argumentName: string,
  value: unknown,
  exclusiveMin?: number,
): asserts value is number {
  const rule =
    exclusiveMin === undefined
      ? 'must be a finite number'
      : `must be a finite number greater than ${exclusiveMin}`;
  if (typeof value !== 'number') {
    throw new StatsError(
      'E_INVALID_TYPE',
      `${functionName}: ${argumentName} ${rule}, got ${describeValue(value)}`,
    );
  }
  if (!Number.isFinite(value) || (exclusiveMin !== undefined && !(value > exclusiveMin))) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `${functionName}: ${argumentName} ${rule}, got ${describeValue(value)}`,
    );
  }
}

/**
 * Checks the `ddof` (delta degrees of freedom) argument: a finite number with `0 <= ddof < n`, so
 * that the divisor `n - ddof` is positive.
 *
 * @throws {StatsError} `E_INVALID_TYPE` when `ddof` is not a number.
 * @throws {StatsError} `E_INVALID_ARGUMENT` when `ddof` is outside `[0, n)`.
 */
export function assertDdof(functionName: string, ddof: unknown, n: number): asserts ddof is number {
  const rule = `must be a finite number in [0, ${n}) (below the number of values, so n - ddof > 0)`;
  if (typeof ddof !== 'number') {
    throw new StatsError(
      'E_INVALID_TYPE',
      `${functionName}: ddof ${rule}, got ${describeValue(ddof)}`,
    );
  }
  if (!Number.isFinite(ddof) || ddof < 0 || ddof >= n) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `${functionName}: ddof ${rule}, got ${describeValue(ddof)}`,
    );
  }
}
