import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendResult, inPlanOrder, pendingRuns, readResults, resultKey } from './results';
import type { RunResult } from './types';

const result = (id: string): RunResult =>
  ({ format: 1, id, configHash: `h-${id}`, suite: 's', scale: 'smoke' }) as unknown as RunResult;

describe('results.jsonl', () => {
  it('reads nothing from a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-'));
    expect(await readResults(join(dir, 'results.jsonl'))).toEqual([]);
  });

  it('appends one line per result and reads them back in order', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'bench-')), 'sub', 'results.jsonl');
    await appendResult(path, result('a'));
    await appendResult(path, result('b'));
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect((await readResults(path)).map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('drops a torn last line (a killed writer) and the next append replaces it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'bench-')), 'results.jsonl');
    await writeFile(path, `${JSON.stringify(result('a'))}\n{"format":1,"id":"b","con`);
    expect((await readResults(path)).map((r) => r.id)).toEqual(['a']);
    await appendResult(path, result('c'));
    expect((await readResults(path)).map((r) => r.id)).toEqual(['a', 'c']);
  });

  it('names the file and line of a malformed line that is not the last', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'bench-')), 'results.jsonl');
    await writeFile(
      path,
      `${JSON.stringify(result('a'))}\nnot json\n${JSON.stringify(result('b'))}\n`,
    );
    await expect(readResults(path)).rejects.toThrow(`${path}:2: not a JSON result line`);
  });

  it('keys a result by id and spec hash', () => {
    expect(resultKey({ id: 'x/seed0', configHash: 'abc' })).toBe('x/seed0#abc');
  });

  it('finds the pending runs of a plan and orders results by the plan', () => {
    const plan = [
      { id: 'a', hash: 'h-a' },
      { id: 'b', hash: 'h-b' },
      { id: 'c', hash: 'changed' },
    ];
    const finished = [result('c'), result('b'), result('x')];
    expect(pendingRuns(plan, finished).map((p) => p.id)).toEqual(['a', 'c']);
    expect(inPlanOrder(plan, finished).map((r) => r.id)).toEqual(['b']);
    expect(inPlanOrder(plan, [result('b'), result('a')]).map((r) => r.id)).toEqual(['a', 'b']);
  });
});
