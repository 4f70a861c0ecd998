// Benchmark of @none/stats against the built package (run `pnpm --filter @none/stats bench`,
// which builds first). Prints the median wall time of several runs per function.
//
// Inputs are deterministic (mulberry32 seed 42): a two-component mixture like NONE's neuron
// activations, 95% N(0, 1) and 5% N(10, 0.5²).
import { performance } from 'node:perf_hooks';
import {
  jenksBreaks,
  jenksTwoClassSplit,
  otsuThreshold,
  otsuThresholdExact,
  quantile,
  zScores,
} from '../dist/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_SECONDS = 0.3;

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

function mixture(n, seed) {
  const random = mulberry32(seed);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    values[i] = random() < 0.05 ? 10 + 0.5 * gaussian : gaussian;
  }
  return values;
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows = [];
function bench(name, run, runs = RUNS) {
  run(); // warm-up (JIT)
  const samples = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = run();
    samples.push(performance.now() - start);
  }
  const ms = median(samples);
  rows.push({ name, 'median ms': ms.toFixed(1), runs, result });
  return ms;
}

const n = 1_000_000;
const values = mixture(n, 42);
const float32 = Float32Array.from(values);
const summary = (x) => (typeof x === 'number' ? x.toPrecision(6) : x);

const jenksMs = bench('jenksBreaks k=2, n=1e6 (Float64Array)', () =>
  jenksBreaks(values, { classes: 2 }).map(summary).join(', '),
);
bench('jenksBreaks k=2, n=1e6 (Float32Array)', () =>
  jenksBreaks(float32, { classes: 2 }).map(summary).join(', '),
);
bench('jenksTwoClassSplit, n=1e6 (Float32Array)', () => {
  const split = jenksTwoClassSplit(float32);
  return `break ${summary(split.breakValue)}, high ${split.highCount}, GVF ${split.goodnessOfVarianceFit.toFixed(4)}`;
});
bench('otsuThreshold bins=256, n=1e6', () => summary(otsuThreshold(values)));
bench('otsuThresholdExact, n=1e6', () => summary(otsuThresholdExact(values)));
bench('zScores, n=1e6', () => summary(zScores(values)[0]));
bench('quantile [0.01, 0.5, 0.99], n=1e6', () =>
  quantile(values, [0.01, 0.5, 0.99]).map(summary).join(', '),
);

// General k: O(k·d²) over the d distinct values.
const small = mixture(10_000, 7);
bench('jenksBreaks k=3, n=d=2e3', () =>
  jenksBreaks(small.subarray(0, 2_000), { classes: 3 }).map(summary).join(', '),
);
bench('jenksBreaks k=5, n=d=5e3', () =>
  jenksBreaks(small.subarray(0, 5_000), { classes: 5 }).map(summary).join(', '),
);
bench(
  'jenksBreaks k=5, n=d=1e4',
  () => jenksBreaks(small, { classes: 5 }).map(summary).join(', '),
  3,
);
const rounded = values.map((x) => Math.round(x * 100) / 100);
const distinct = new Set(rounded).size;
bench(`jenksBreaks k=5, n=1e6 rounded to 0.01 (d=${distinct})`, () =>
  jenksBreaks(rounded, { classes: 5 }).map(summary).join(', '),
);

console.log(`@none/stats benchmark, node ${process.version}, median of ${RUNS} runs`);
console.table(rows);
const verdict = jenksMs < TARGET_SECONDS * 1000 ? 'meets' : 'MISSES';
console.log(
  `2-class Jenks on 1e6 values: ${(jenksMs / 1000).toFixed(3)} s, ${verdict} the ${TARGET_SECONDS} s target.`,
);
