import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@none/io';
import { formatSuiteReport, reportSeeds } from './report';
import { inPlanOrder, readResults } from './results';
import { planSuite, resultsPath } from './runner';
import type { RunResult, Scale, SuiteDefinition } from './types';

/**
 * The finished results of a suite's current plan, in plan order, over the preset's seeds and
 * every seed `results.jsonl` holds (a `--seeds` run shows up without passing them again).
 */
export async function suiteResults(
  suite: SuiteDefinition,
  scale: Scale,
  dir: string,
): Promise<RunResult[]> {
  const stored = await readResults(resultsPath(dir));
  const seeds = reportSeeds(scale, stored);
  // Labels and paper cells come from the current suite definition (relabelling needs no rerun).
  const plan = planSuite(suite, scale, seeds);
  const specs = new Map(plan.map((s) => [s.id, s]));
  return inPlanOrder(plan, stored).map((r) => {
    const s = specs.get(r.id)!;
    return { ...r, labels: s.labels, ...(s.paper ? { paper: s.paper } : {}) };
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
