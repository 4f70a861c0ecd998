import { readdir, readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataError } from './errors';

const gunzipAsync = promisify(gunzip);

/** Reads a whole file; a missing file is `E_NOT_FOUND`, naming it. */
export async function readFileOrThrow(file: string, caller: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw notFound(error, file, caller, 'file');
  }
}

/** Reads a file and gunzips it when it starts with the gzip magic bytes (1f 8b). */
export async function readMaybeGzipped(file: string, caller: string): Promise<Buffer> {
  const bytes = await readFileOrThrow(file, caller);
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return await gunzipAsync(bytes);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const truncated = code === 'Z_BUF_ERROR';
    throw new DataError(
      truncated ? 'E_TRUNCATED' : 'E_DECODE',
      `${caller}: ${file}: ${truncated ? 'the gzip stream ends early (truncated download?)' : `not a valid gzip file (${(error as Error).message})`}`,
      { file, cause: error },
    );
  }
}

/** The entries of a folder, sorted by name; a missing folder is `E_NOT_FOUND`. */
export async function listFolder(
  folder: string,
  caller: string,
): Promise<{ name: string; isDirectory: boolean; isFile: boolean }[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries
      .map((entry) => ({
        name: entry.name,
        isDirectory: entry.isDirectory(),
        isFile: entry.isFile(),
      }))
      .sort((a, b) => compareNames(a.name, b.name));
  } catch (error) {
    throw notFound(error, folder, caller, 'folder');
  }
}

/** Whether a path exists (file or folder). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Code-point order, the same on every platform and locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function notFound(error: unknown, path: string, caller: string, kind: string): DataError {
  const code = (error as { code?: string }).code;
  const message =
    code === 'ENOENT'
      ? `${caller}: ${kind} not found: ${path}`
      : code === 'ENOTDIR'
        ? `${caller}: expected a folder, got a file: ${path}`
        : code === 'EISDIR'
          ? `${caller}: expected a file, got a folder: ${path}`
          : `${caller}: cannot read ${kind} ${path} (${(error as Error).message})`;
  return new DataError('E_NOT_FOUND', message, { file: path, cause: error });
}

/** Runs `task` over `items` with at most `concurrency` in flight; results keep the order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: unknown;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]!, index);
      } catch (error) {
        if (!failed) {
          failed = true;
          failure = error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed) throw failure;
  return results;
}
