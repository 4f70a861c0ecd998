// Audits the samples a suite's finished runs removed against input-space evidence alone (the
// data, not the model): for each run, the removed members of each class with their own
// neighbours' content outside the removed set, and what growing (rows of the class whose
// neighbours outside the set mostly carry other labels) and pruning (members below a content
// bar) would have changed. This is how `seedMemberContent` was measured before it was
// written (the trainer README, step 7). It retrains nothing: the poisoned training set is
// rebuilt from each run's config, the removals read from its `removed.json`.
//
// Run (after `none bench` wrote the runs):
//   pnpm --filter @none/bench exec tsx scripts/seed-audit.ts [ids,comma,separated] [bar] [suite-dir] [seeds]
// e.g. `tsx scripts/seed-audit.ts dynamic-patch/seed0,wanet/seed1 0.9`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { poisonDataset } from '@none/attacks';
import { initBackend } from '@none/backend';
import { parseExperimentConfig } from '@none/config';
import { growAndPruneSeeds, neighbourWitness, SIGNATURE_DETECTION_DEFAULTS } from '@none/trainer';
import { loadRunData } from '../src/run-context';
import { planSuite } from '../src/runner';
import { robustnessSuite } from '../src/suites/matrix';

const ids = (process.argv[2] ?? '').split(',').filter((id) => id !== '');
const bar = Number(process.argv[3] ?? 0.9);
const suiteDir = process.argv[4] ?? 'reports/cpu/robustness';
const seeds = process.argv[5]?.split(',').map(Number);
await initBackend({ threads: 2 });

/** "removed (precision / recall, poisoned left)" of `set` against the class's poisoned rows. */
function quality(set: Iterable<number>, poisoned: Set<number>): string {
  const members = [...set];
  const found = members.filter((i) => poisoned.has(i)).length;
  const precision = members.length ? (100 * found) / members.length : 0;
  const recall = poisoned.size ? (100 * found) / poisoned.size : 100;
  return `${members.length} (${precision.toFixed(1)} / ${recall.toFixed(1)}, ${poisoned.size - found} left)`;
}

for (const spec of planSuite(robustnessSuite, 'cpu', seeds)) {
  if (ids.length > 0 && !ids.includes(spec.id)) continue;
  const dir = join(suiteDir, 'runs', spec.id);
  const hash = existsSync(dir) ? readdirSync(dir)[0] : undefined;
  if (!hash || !existsSync(join(dir, hash, 'removed.json'))) continue;
  const removed: number[] = JSON.parse(readFileSync(join(dir, hash, 'removed.json'), 'utf8'));
  const config = parseExperimentConfig(spec.config);
  if (!config.attack) {
    console.log(`${spec.id}: clean data, ${removed.length} removed`);
    continue;
  }
  const { train } = await loadRunData(spec, config.dataset as never);
  const { dataset, poisonedIndices } = poisonDataset(train, config.attack, {
    rate: config.poisonRate,
    seed: config.seed,
  });
  const witness = neighbourWitness(dataset, 10);
  const ask = witness.memberDisagreement!;
  const poisonedAll = new Set(poisonedIndices);
  for (let label = 0; label < dataset.numClasses; label++) {
    const rows: number[] = [];
    for (let i = 0; i < dataset.labels.length; i++) if (dataset.labels[i] === label) rows.push(i);
    const members = removed.filter((i) => dataset.labels[i] === label);
    if (members.length === 0) continue;
    const poisoned = new Set(rows.filter((i) => poisonedAll.has(i)));
    const own = ask(Int32Array.from(members), Int32Array.from(members));
    const clean = members.filter((i) => !poisoned.has(i));
    const cleanShares = members.map((_, t) => own[t]!).filter((_, t) => !poisoned.has(members[t]!));
    const pruned = members.filter((_, t) => own[t]! >= bar);
    // As the detection grows and prunes flagged seeds; a bar of 0 keeps the whole grown set.
    const grow = (memberContent: number) =>
      growAndPruneSeeds(ask, rows, [], members, {
        disagreement: SIGNATURE_DETECTION_DEFAULTS.disagreement,
        memberContent,
      }).members;
    const grown = grow(0);
    const grownPruned = grow(bar);
    console.log(
      `${spec.id} class ${label}: removed ${quality(members, poisoned)}; clean members' own content ${cleanShares.map((v) => v.toFixed(1)).join(' ') || '-'} (${clean.length}); pruned at ${bar}: ${quality(pruned, poisoned)}; grown: ${quality(grown, poisoned)}; grown, then pruned: ${quality(grownPruned, poisoned)}`,
    );
  }
}
