// Regenerates src/__fixtures__/jenks-simple-statistics.json from the npm package
// `simple-statistics` (its `jenks` and `ckmeans` functions). It is deliberately NOT a dependency of
// @none/stats; install it anywhere and point this script at it:
//
//   npm install --prefix /tmp/ss simple-statistics@7.12.1
//   SIMPLE_STATISTICS=/tmp/ss/node_modules/simple-statistics/dist/simple-statistics.mjs \
//     node packages/stats/scripts/generate-jenks-fixture.mjs
//
// Conventions (checked below on every case):
// - `ss.jenks(data, k)` returns `[min, first value of class 2, …, first value of class k, max]`
//   (lower class limits), while jenkspy and @none/stats return the upper bound of each class.
// - `ss.ckmeans(data, k)` (Ckmeans.1d.dp, Wang & Song 2011) returns the clusters themselves; the
//   last value of each cluster is the jenkspy-convention break. Both minimise the same objective
//   (total within-class sum of squares) exactly.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const modulePath = process.env.SIMPLE_STATISTICS;
if (!modulePath) {
  console.error('Set SIMPLE_STATISTICS to the path of simple-statistics.mjs (see the header).');
  process.exit(1);
}
const ss = await import(pathToFileURL(modulePath).href);
const packageJson = JSON.parse(
  readFileSync(join(dirname(modulePath), '..', 'package.json'), 'utf8'),
);

/** mulberry32: a tiny seeded generator, so the inputs are reproducible. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random, mean, sd) {
  const u = 1 - random();
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function clusters(random, centres, perCluster, sd) {
  const values = [];
  for (const centre of centres) {
    for (let i = 0; i < perCluster; i++) values.push(normal(random, centre, sd));
  }
  // Shuffle (Fisher–Yates) so the input is not sorted.
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

const random = mulberry32(20240601);
const datasets = [
  { name: 'simple-statistics doc example', values: [1, 2, 4, 5, 7, 9, 10, 20], classes: [2, 3, 4] },
  { name: 'hand example', values: [1, 2, 3, 10, 11, 12], classes: [2, 3] },
  {
    name: 'three clusters n=90',
    values: clusters(random, [0, 5, 12], 30, 1),
    classes: [2, 3, 4, 5],
  },
  {
    name: 'uniform n=150',
    values: Array.from({ length: 150 }, () => random() * 100),
    classes: [2, 3, 6],
  },
  {
    name: 'rounded (many ties) n=120',
    values: Array.from({ length: 120 }, () => Math.round(normal(random, 20, 6))),
    classes: [2, 4, 7],
  },
  {
    name: 'skewed exponential n=200',
    values: Array.from({ length: 200 }, () => -Math.log(1 - random()) * 3),
    classes: [2, 3, 5, 8],
  },
  {
    name: 'five clusters n=250',
    values: clusters(random, [-20, -5, 0, 7, 30], 50, 2),
    classes: [3, 5, 6],
  },
];

function upperBoundsFromClusters(clusterList) {
  return [clusterList[0][0], ...clusterList.map((cluster) => cluster[cluster.length - 1])];
}

function sse(sortedValues, breaks) {
  let total = 0;
  let start = 0;
  for (let c = 1; c < breaks.length; c++) {
    let end = start;
    while (end < sortedValues.length && sortedValues[end] <= breaks[c]) end++;
    const part = sortedValues.slice(start, end);
    const m = part.reduce((a, b) => a + b, 0) / part.length;
    total += part.reduce((a, b) => a + (b - m) ** 2, 0);
    start = end;
  }
  return total;
}

const cases = [];
for (const dataset of datasets) {
  const sortedValues = [...dataset.values].sort((a, b) => a - b);
  for (const k of dataset.classes) {
    const jenksLower = ss.jenks(dataset.values, k);
    const ckmeansUpper = upperBoundsFromClusters(ss.ckmeans(dataset.values, k));
    // Convert ss.jenks's lower class limits into upper bounds: the largest value below each limit.
    const jenksUpper = [jenksLower[0]];
    for (let c = 1; c < k; c++) {
      const limit = jenksLower[c];
      jenksUpper.push(sortedValues.filter((x) => x < limit).at(-1));
    }
    jenksUpper.push(jenksLower[k]);
    const agree = jenksUpper.every((value, index) => value === ckmeansUpper[index]);
    const cost = sse(sortedValues, ckmeansUpper);
    // Different partitions are only acceptable as exact ties of the objective (several optima).
    if (!agree && Math.abs(sse(sortedValues, jenksUpper) - cost) > 1e-9 * (1 + cost)) {
      throw new Error(`${dataset.name} k=${k}: ss.jenks and ss.ckmeans disagree`);
    }
    cases.push({
      name: `${dataset.name}, k=${k}`,
      classes: k,
      values: dataset.values,
      simpleStatisticsJenks: jenksLower,
      expectedBreaks: ckmeansUpper,
      tiedOptima: !agree,
      withinClassSumOfSquares: cost,
    });
  }
}

const fixture = {
  provenance: {
    generator: 'packages/stats/scripts/generate-jenks-fixture.mjs',
    implementation: `npm simple-statistics@${packageJson.version}: jenks(values, k) and ckmeans(values, k)`,
    simpleStatisticsJenks:
      'raw ss.jenks output: [min, lower limit (first value) of classes 2..k, max]',
    expectedBreaks:
      'jenkspy convention [min, upper bound of each class]: last value of each ss.ckmeans cluster; identical to ss.jenks converted to upper bounds unless tiedOptima (checked by the generator)',
    tiedOptima:
      'true when ss.jenks and ss.ckmeans return different partitions of equal cost (several exact optima); compare the cost, not the breaks',
    withinClassSumOfSquares: 'plain two-pass SSE of that partition, for reference',
    inputs: 'mulberry32(20240601) draws, written out in full',
  },
  cases,
};

const output = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  '__fixtures__',
  'jenks-simple-statistics.json',
);
writeFileSync(output, `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`wrote ${cases.length} cases to ${output}`);
