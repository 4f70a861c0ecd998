import { appendFile, mkdir, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BenchError } from './errors';
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
      throw new BenchError(
        'E_INVALID_RESULTS',
        `${path}:${i + 1}: not a JSON result line (${(cause as Error).message})`,
        {
          cause,
        },
      );
    }
  }
  return results;
}

/**
 * Appends one result as a single line (one `write` with O_APPEND). A torn line from a
 * killed writer is ignored by `readResults` and removed by the next append.
 */
export async function appendResult(path: string, result: RunResult): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // A killed writer may have left a torn last line: cut it off before appending. (A suite's
  // results.jsonl has a single writer, the process that runs or enqueues the suite.)
  try {
    const text = await readFile(path, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) {
      await truncate(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await appendFile(path, `${JSON.stringify(result)}\n`);
}

/** The key under which a result counts as done: the run's id and the hash of its spec. */
export const resultKey = (r: { id: string; configHash: string }) => `${r.id}#${r.configHash}`;

/** A planned run: its spec's id and hash. */
interface Planned {
  id: string;
  hash: string;
}

/** The planned runs that `finished` does not hold yet (same id and spec hash). */
export function pendingRuns<P extends Planned>(
  plan: readonly P[],
  finished: readonly RunResult[],
): P[] {
  const done = new Set(finished.map(resultKey));
  return plan.filter((s) => !done.has(resultKey({ id: s.id, configHash: s.hash })));
}

/** The results of the planned runs, in plan order (results of other specs are left out). */
export function inPlanOrder(plan: readonly Planned[], results: readonly RunResult[]): RunResult[] {
  const byKey = new Map(results.map((r) => [resultKey(r), r]));
  return plan.flatMap((s) => byKey.get(resultKey({ id: s.id, configHash: s.hash })) ?? []);
}
