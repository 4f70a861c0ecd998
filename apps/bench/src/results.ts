import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult } from './types';

/**
 * Reads a suite's `results.jsonl`: one JSON line per finished run. A torn last line (the
 * process was killed while appending) is skipped; a malformed line elsewhere is an error
 * naming the file and line.
 */
export async function readResults(path: string): Promise<RunResult[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n');
  const results: RunResult[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      results.push(JSON.parse(line) as RunResult);
    } catch (cause) {
      const last = lines.slice(i + 1).every((l) => l.trim() === '');
      if (last) break;
      throw new Error(`${path}:${i + 1}: not a JSON result line (${(cause as Error).message})`, { cause });
    }
  }
  return results;
}

/**
 * Appends one result as a single line. One `write` of a line under 4 KiB with O_APPEND is
 * not interleaved with other writers; a torn line from a kill is dropped by `readResults`.
 */
export async function appendResult(path: string, result: RunResult): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Start on a fresh line if a killed writer left a torn one.
  let prefix = '';
  try {
    const text = await readFile(path, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) prefix = '\n';
  } catch {}
  await appendFile(path, `${prefix}${JSON.stringify(result)}\n`);
}

/** The key under which a result counts as done: the run's id and the hash of its spec. */
export const resultKey = (r: { id: string; configHash: string }) => `${r.id}#${r.configHash}`;
