import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './plot/render';
import { formatSuiteReport } from './report';
import { readResults, resultKey } from './results';
import { planSuite, resultsPath } from './runner';
import type { RunResult, Scale, SuiteDefinition } from './types';

/** The finished results of a suite's current plan, in plan order. */
export async function suiteResults(
  suite: SuiteDefinition,
  scale: Scale,
  dir: string,
): Promise<RunResult[]> {
  const byKey = new Map((await readResults(resultsPath(dir))).map((r) => [resultKey(r), r]));
  // Labels come from the current suite definition (relabelling needs no rerun).
  return planSuite(suite, scale).flatMap((s) => {
    const r = byKey.get(resultKey({ id: s.id, configHash: s.hash }));
    return r ? [{ ...r, labels: s.labels, ...(s.paper ? { paper: s.paper } : {}) }] : [];
  });
}

/** Writes `<dir>/report.md` from `<dir>/results.jsonl`; returns its path. */
export async function writeSuiteReport(
  suite: SuiteDefinition,
  scale: Scale,
  dir: string,
  figures?: (results: RunResult[]) => Promise<string | undefined>,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const results = await suiteResults(suite, scale, dir);
  const figureMarkdown = figures ? await figures(results) : undefined;
  const path = join(dir, 'report.md');
  await writeFileAtomic(
    path,
    formatSuiteReport(suite, results, {
      scale,
      ...(figureMarkdown ? { figures: figureMarkdown } : {}),
    }),
  );
  return path;
}
