import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IoError } from './errors';

/**
 * Writes `data` to `path` so that a reader never sees a half-written file: the bytes go to a
 * temporary file in the same folder (same file system, so the rename is atomic on POSIX and
 * NTFS), which is then renamed over `path`. The folder is created if needed. On failure the
 * temporary file is removed, `path` keeps its previous content, and an {@link IoError} with
 * code `E_IO` names the path (the file system's error is its `cause`).
 *
 * @example
 * ```ts
 * await writeFileAtomic('out/report.json', JSON.stringify(report));
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new IoError('E_INVALID_ARGUMENT', 'writeFileAtomic: path must be a non-empty string');
  }
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new IoError(
      'E_INVALID_ARGUMENT',
      `writeFileAtomic: data must be a string or a Uint8Array, got ${typeof data}`,
    );
  }
  // The temporary name is unique per process and call (not a modelling choice, so no seed).
  const temporary = `${path}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (cause) {
    await rm(temporary, { force: true }).catch(() => {});
    throw new IoError('E_IO', `writeFileAtomic: cannot write ${path}`, { cause });
  }
}
