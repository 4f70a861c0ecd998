// Every suite at `smoke` scale, end to end, the way `none bench --suite all --scale smoke`
// runs them: child processes, results.jsonl, report.md. Asserts the pipeline, not the paper.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSuite } from './runner';
import { SUITES } from './suites';
import { writeSuiteReport } from './write-report';

describe('every suite at smoke scale', () => {
  for (const suite of Object.values(SUITES)) {
    it(`${suite.name}: every run finishes and the report has a row for each`, async () => {
      const dir = await mkdtemp(join(tmpdir(), `bench-smoke-${suite.name}-`));
      const summary = await runSuite(suite, {
        scale: 'smoke',
        outDir: dir,
        parallel: 2,
        backend: 'wasm',
      });
      expect(summary.failed).toEqual([]);
      const planned = suite.runs('smoke').length;
      expect(summary.results).toHaveLength(planned);
      for (const r of summary.results) {
        expect(r.undefended.ba).toBeGreaterThanOrEqual(0);
        expect(r.undefended.ba).toBeLessThanOrEqual(1);
        if (r.labels.defense !== 'none') expect(r.defended).not.toBeNull();
        if (suite.name === 'natural') expect(r.natural?.undefended).toHaveLength(2);
      }
      const report = await readFile(await writeSuiteReport(suite, 'smoke', dir), 'utf8');
      expect(report).toContain(`${planned} of ${planned} runs finished`);
      // Header, separator and one row per run.
      expect(report.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(planned + 2);
    });
  }
});
