// One real suite at `smoke` scale, end to end, the way `none bench --suite sensitivity --scale
// smoke` runs it: child processes, results.jsonl, report.md. Every suite runs in the separate
// check `npm run check:bench-smoke` (src/smoke.check.ts), which takes minutes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from './results';
import { planSuite, resultsPath, runSuite, type SuiteRunSummary } from './runner';
import { SUITES } from './suites';
import { writeSuiteReport } from './write-report';

describe('a suite at smoke scale, end to end', () => {
  const suite = SUITES.sensitivity!;
  const plan = planSuite(suite, 'smoke');
  let dir: string;
  let first: SuiteRunSummary;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    first = await runSuite(suite, { scale: 'smoke', outDir: dir, parallel: 2, backend: 'wasm' });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("gives one result and one report row per run of the suite's plan, in plan order", async () => {
    expect(plan.length).toBeGreaterThan(1);
    expect(first).toMatchObject({ failed: [], ran: plan.length, skipped: 0 });
    expect(first.results.map((r) => [r.id, r.configHash])).toEqual(
      plan.map((spec) => [spec.id, spec.hash]),
    );
    const report = await readFile(await writeSuiteReport(suite, 'smoke', dir), 'utf8');
    expect(report).toContain(`${plan.length} of ${plan.length} runs finished`);
    // Header, separator and one row per run.
    expect(report.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(plan.length + 2);
  });

  it('a resumed suite recomputes nothing: the second run executes zero runs', async () => {
    const events: string[] = [];
    const second = await runSuite(suite, {
      scale: 'smoke',
      outDir: dir,
      parallel: 2,
      backend: 'wasm',
      onEvent: (event) => events.push(event.type),
    });
    expect(second).toMatchObject({ failed: [], ran: 0, skipped: plan.length });
    expect(events).toEqual(['plan']);
    expect(second.results).toEqual(first.results);
    expect(await readResults(resultsPath(dir))).toHaveLength(plan.length);
  });
});
