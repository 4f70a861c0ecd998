import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testResult } from './_test-suite';
import { appendResult } from './results';
import { planSuite, resultsPath } from './runner';
import { SUITES } from './suites';
import type { RunResult } from './types';
import { suiteResults } from './write-report';

describe('suiteResults', () => {
  it('reports every seed results.jsonl holds, without --seeds, in plan order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-seeds-'));
    const suite = SUITES['poison-rate']!;
    const plan = planSuite(suite, 'cpu', [0, 3]);
    const stale = planSuite(suite, 'cpu', [5])[0]!;
    const result = (spec: (typeof plan)[number], seed: number): RunResult =>
      testResult({
        suite: suite.name,
        id: spec.id,
        labels: { stale: 'label' },
        configHash: spec.hash,
        seed,
      });
    // Written out of order, plus a seed-5 line whose hash no longer matches its config.
    const [a, b] = [plan[1]!, plan[0]!];
    await appendResult(resultsPath(dir), result(a, 3));
    await appendResult(resultsPath(dir), result(b, 0));
    await appendResult(resultsPath(dir), { ...result(stale, 5), configHash: 'old' });
    const results = await suiteResults(suite, 'cpu', dir);
    expect(results.map((r) => r.id)).toEqual([plan[0]!.id, plan[1]!.id]);
    expect(plan[1]!.id.endsWith('/seed3')).toBe(true);
    // Labels come from the current suite definition.
    expect(results[1]!.labels).toEqual(plan[1]!.labels);
  });
});
