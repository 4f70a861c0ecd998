import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinySuite } from './_test-suite';
import { readResults } from './results';
import { resultsPath, runSuite } from './runner';
import { writeSuiteReport } from './write-report';

describe('runSuite', () => {
  it('runs every run once, appends results, and skips finished runs on the next call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-runner-'));
    const suite = tinySuite();
    const first = await runSuite(suite, { scale: 'smoke', outDir: dir, inProcess: true });
    expect(first.failed).toEqual([]);
    expect(first.ran).toBe(2);
    const lines = await readResults(resultsPath(dir));
    expect(lines.map((r) => r.id).sort()).toEqual(['none-defended', 'plain']);
    const plain = lines.find((r) => r.id === 'plain')!;
    expect(plain.defended).toBeNull();
    expect(plain.undefended.ba).toBeGreaterThan(0.3); // chance is 0.1
    const defended = lines.find((r) => r.id === 'none-defended')!;
    expect(defended.defended?.defense).toBe('NONE');
    // Same seed and data: the undefended half of both runs is the same model.
    expect(defended.undefended.ba).toBe(plain.undefended.ba);

    const second = await runSuite(suite, { scale: 'smoke', outDir: dir, inProcess: true });
    expect(second).toMatchObject({ ran: 0, skipped: 2 });
    expect(second.results.map((r) => r.id)).toEqual(['plain', 'none-defended']);

    // A changed config is another run: only it reruns.
    const changed = {
      ...suite,
      runs: () =>
        suite
          .runs('smoke')
          .map((r, i) => (i === 0 ? { ...r, config: { ...r.config, seed: 3 } } : r)),
    };
    const third = await runSuite(changed, { scale: 'smoke', outDir: dir, inProcess: true });
    expect(third).toMatchObject({ ran: 1, skipped: 1 });

    const report = await readFile(await writeSuiteReport(changed, 'smoke', dir), 'utf8');
    expect(report).toContain('2 of 2 runs finished');
    expect(report).toContain('| 99.00 / 1.00 |');
  });

  it('runs in child processes, two at a time, with the same results as in-process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-pool-'));
    const inProcessDir = await mkdtemp(join(tmpdir(), 'bench-inproc-'));
    const suite = tinySuite('pool', 1);
    const seen: string[] = [];
    const pooled = await runSuite(suite, {
      scale: 'smoke',
      outDir: dir,
      parallel: 2,
      backend: 'wasm',
      onEvent: (e) => seen.push(e.type),
    });
    expect(pooled.failed).toEqual([]);
    expect(pooled.ran).toBe(2);
    expect(seen[0]).toBe('plan');
    const local = await runSuite(suite, { scale: 'smoke', outDir: inProcessDir, inProcess: true });
    const key = (r: { id: string; undefended: { ba: number; asr: number | null } }) => [
      r.id,
      r.undefended.ba,
      r.undefended.asr,
    ];
    expect(pooled.results.map(key)).toEqual(local.results.map(key));
  });
});
