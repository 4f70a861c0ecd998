// Where the signature detection spends its time: trains a small CNN (or the MLP) on the
// embedded MNIST poisoned with BadNets (5%, target 0) for the warm-up epochs, then times each
// stage of one detection (probe, input-space neighbours, the detection with its group tests).
// Run: pnpm --filter @none/trainer exec tsx bench/signature-cost.bench.ts \
//   [seed] [size] [seeded-only|all] [small-cnn|mlp] [threads]
import { poisonDataset } from '@none/attacks';
import { initBackend } from '@none/backend';
import { loadEmbeddedMnist } from '@none/data';
import { collectPatterns } from '@none/probe';
import { detectionQuality } from '../src/metrics';
import { detectSignature } from '../src/none/detect-signature';
import { neighbourWitness } from '../src/none/neighbours';
import { trainEpochs } from '../src/train-epochs';
import { smallCnnWithOptimizer } from './_small-cnn';

const seed = Number(process.argv[2] ?? 0);
const size = Number(process.argv[3] ?? 3);
const seededOnly = process.argv[4] === 'seeded-only';
const architecture = process.argv[5] === 'mlp' ? 'mlp' : 'small-cnn';
const backend = await initBackend({ threads: Number(process.argv[6] ?? 1) });
const { train } = loadEmbeddedMnist();
const poisoned = poisonDataset(
  train,
  { type: 'badnets', target: 0, labelMode: 'all-to-one', size },
  { rate: 0.05, seed },
);
console.log(
  `backend: ${backend.description}; ${architecture}, BadNets ${size}x${size}, seed ${seed}`,
);
const { model, metadata, optimizer } = smallCnnWithOptimizer(seed, architecture);
const dataset = poisoned.dataset;
await trainEpochs(model, dataset, { epochs: 2, optimizer, seed });
const time = async <T>(name: string, f: () => T | Promise<T>): Promise<T> => {
  const t = performance.now();
  const out = await f();
  console.log(`${name}: ${(performance.now() - t).toFixed(0)} ms`);
  return out;
};
for (let repeat = 0; repeat < 2; repeat++) {
  const layers = metadata.neurons.slice(-2).map((l) => l.layer);
  const { layers: patterns } = await time('probe', () =>
    collectPatterns(model, dataset, { layers, neurons: metadata.neurons }),
  );
  const witness = await time('neighbours', () => neighbourWitness(dataset, 10));
  let contentMs = 0;
  let contentCalls = 0;
  const detection = await time('detect', () =>
    detectSignature(
      {
        labels: dataset.labels,
        numClasses: dataset.numClasses,
        patterns,
        disagreement: witness.disagreement,
        groupDisagreement: (members) => {
          const t = performance.now();
          const content = witness.groupDisagreement(members);
          contentMs += performance.now() - t;
          contentCalls++;
          return content;
        },
        // An idealised model: it holds every group in its label (minHeld), and each leaves
        // its label once its signature is zeroed (maxStay); this bench times, it does not test.
        groupStays: (_, channels) =>
          Object.values(channels).some((list) => list.length > 0) ? 0 : 1,
      },
      seededOnly ? { principalStarts: false } : {},
    ),
  );
  const q = detectionQuality(detection.flagged, poisoned.poisonedIndices);
  console.log(
    `  of which content tests: ${contentMs.toFixed(0)} ms in ${contentCalls} calls; units ${patterns.map((p) => p.units).join('+')}; removed ${detection.flagged.length}, P ${q.precision?.toFixed(3)} R ${q.recall?.toFixed(3)}`,
  );
}
optimizer.dispose();
model.dispose();
