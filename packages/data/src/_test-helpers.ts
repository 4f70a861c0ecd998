/** Helpers for the tests of this package (never exported from the package). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DataError, type DataErrorCode } from './errors';

/** A fresh temporary folder and a function that removes it. */
export function createTempFolder(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'none-data-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Awaits `action`, expects a `DataError` with `code` whose message names `file`. */
export async function expectDataError(
  action: () => unknown,
  code: DataErrorCode,
  file?: string,
): Promise<DataError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(DataError.isInstance(caught), `expected a DataError, got ${String(caught)}`).toBe(true);
  const error = caught as DataError;
  expect(error.code, error.message).toBe(code);
  if (file !== undefined) {
    expect(error.message).toContain(file);
    expect(error.file).toBe(file);
  }
  return error;
}

/** Big-endian IDX header bytes: magic `0x0000TTDD` then the dimensions. */
export function idxHeader(typeCode: number, dims: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, (typeCode << 8) | dims.length);
  for (const [d, size] of dims.entries()) view.setUint32(4 + 4 * d, size);
  return header;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A binary PPM (P6, maxval 255) written by hand. */
export function ppm(width: number, height: number, pixels: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(`P6\n# written by a test\n${width} ${height}\n255\n`);
  return concatBytes(header, pixels);
}
