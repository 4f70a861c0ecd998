import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';

/** A bad invocation: printed as one line, before any work starts. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  static isInstance(error: unknown): error is UsageError {
    return error instanceof Error && error.name === 'UsageError';
  }
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Edit distance of two short strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * Rejects an option the command does not define (citty ignores them), naming the closest
 * one it does. Positional arguments and everything after `--` are left alone.
 *
 * @throws {UsageError} `train: unknown option --ot (did you mean --out?)`
 */
export function checkOptions(command: string, rawArgs: readonly string[], known: object): void {
  const names = new Set(Object.keys(known).flatMap((name) => [name, kebab(name)]));
  names.add('help');
  for (const arg of rawArgs) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') continue;
    const bare = arg.replace(/^-+/, '').split('=')[0]!;
    const name = bare.startsWith('no-') && !names.has(bare) ? bare.slice(3) : bare;
    if (names.has(name) || (arg.length === 2 && name === 'h')) continue;
    const closest = [...names]
      .map((candidate) => ({ candidate, d: distance(name, candidate) }))
      .sort((a, b) => a.d - b.d)[0];
    const hint =
      closest && closest.d <= Math.max(2, Math.floor(name.length / 3))
        ? ` (did you mean --${closest.candidate}?)`
        : '';
    throw new UsageError(`${command}: unknown option ${arg.split('=')[0]}${hint}`);
  }
}

/**
 * Makes sure `--out` can hold the run's files: a folder (created if missing) that this
 * process may write, not a file.
 *
 * @throws {UsageError} naming the path and what is wrong with it
 */
export async function checkOutputFolder(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new UsageError(`--out ${path} is a file, not a folder`);
  }
  try {
    await mkdir(path, { recursive: true });
    await access(path, constants.W_OK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--out ${path} cannot be written${code === 'ENOTDIR' ? ' (a part of the path is a file)' : code ? ` (${code})` : ''}`,
    );
  }
}
