// The full smoke check, `npm run check:bench-smoke` (not part of `vitest run`: it takes
// minutes): every suite at `smoke` scale, end to end, the way `none bench --suite all --scale
// smoke` runs them (child processes, results.jsonl, report.md). It asserts the pipeline, not
// the paper. `tsx apps/bench/src/smoke.check.ts injected federated` checks only those suites.
// Needs the built bench (its worker processes run dist/worker-process.js).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSuite } from './runner';
import { SUITES } from './suites';
import type { SuiteDefinition } from './types';
import { writeSuiteReport } from './write-report';

async function checkSuite(suite: SuiteDefinition): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `bench-smoke-${suite.name}-`));
  try {
    const summary = await runSuite(suite, {
      scale: 'smoke',
      outDir: dir,
      parallel: 2,
      backend: 'wasm',
    });
    assert.deepEqual(summary.failed, [], 'every run finishes');
    const planned = suite.runs('smoke').length;
    assert.equal(summary.results.length, planned, 'one result per planned run');
    for (const r of summary.results) {
      for (const [name, value] of [
        ['undefended BA', r.undefended.ba],
        ['undefended ASR', r.undefended.asr],
        ['defended BA', r.defended?.ba],
        ['defended ASR', r.defended?.asr],
      ] as const) {
        if (value === null || value === undefined) continue;
        assert.ok(value >= 0 && value <= 1, `${r.id}: ${name} ${value} is in [0, 1]`);
      }
      if (r.labels.defense !== 'none') assert.notEqual(r.defended, null, `${r.id} is defended`);
      if (suite.name === 'natural') {
        assert.equal(r.natural?.undefended.length, 2, `${r.id}: REASR per budget`);
      }
    }
    const report = await readFile(await writeSuiteReport(suite, 'smoke', dir), 'utf8');
    assert.ok(report.includes(`${planned} of ${planned} runs finished`), 'the report counts');
    // Header, separator and one row per run.
    const rows = report.split('\n').filter((l) => l.startsWith('|'));
    assert.equal(rows.length, planned + 2, 'one report row per run');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  process.stderr.write(`check:bench-smoke: unknown suite(s) ${unknown.join(', ')}\n`);
  process.exit(2);
}
let failures = 0;
for (const suite of Object.values(SUITES)) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  const started = performance.now();
  try {
    await checkSuite(suite);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    process.stdout.write(`ok   ${suite.name} (${seconds} s)\n`);
  } catch (error) {
    failures += 1;
    process.stdout.write(`FAIL ${suite.name}: ${(error as Error).message}\n`);
  }
}
if (failures > 0) {
  process.stdout.write(`check:bench-smoke: ${failures} suite(s) failed\n`);
  process.exitCode = 1;
}
