// Detection quality of the three NONE variants after every epoch of training a small CNN
// on the embedded MNIST poisoned with BadNets (5%, target 0): how many samples each would
// remove, with precision and recall against the known poisoned indices.
// Run: pnpm --filter @none/trainer bench [seed] [all-to-one|label-specific]   (after pnpm build)
import { poisonDataset } from '@none/attacks';
import { initBackend } from '@none/backend';
import { loadEmbeddedMnist } from '@none/data';
import { createActivationProbe } from '@none/probe';
import { detectionQuality } from '../src/metrics';
import { detectConfidenceGap } from '../src/none/detect-confidence-gap';
import { detectConsensus } from '../src/none/detect-consensus';
import { detectPaper } from '../src/none/detect-paper';
import { trainEpochs } from '../src/train-epochs';
import { smallCnnWithOptimizer } from './_small-cnn';

const seed = Number(process.argv[2] ?? 0);
const labelMode = (process.argv[3] ?? 'all-to-one') as 'all-to-one' | 'label-specific';
const backend = await initBackend({ threads: 1 });
const { train } = loadEmbeddedMnist();
const poisoned = poisonDataset(
  train,
  { type: 'badnets', target: 0, labelMode },
  { rate: 0.05, seed },
);
console.log(
  `backend: ${backend.description}; BadNets ${labelMode}, seed ${seed}, ${poisoned.poisonedIndices.length} poisoned`,
);
const { model, metadata, optimizer } = smallCnnWithOptimizer(seed);
const probe = createActivationProbe(model, { neurons: metadata.neurons });
await trainEpochs(model, poisoned.dataset, {
  epochs: 10,
  optimizer,
  seed,
  schedule: { type: 'multistep', milestones: [7], gamma: 0.1 },
  onEpochEnd: async (logs) => {
    const activations = await probe.collect(poisoned.dataset);
    const cells = [
      ['consensus', detectConsensus(activations)],
      ['confidence-gap', detectConfidenceGap(activations)],
      ['paper', detectPaper(activations)],
    ] as const;
    const line = cells.map(([name, detection]) => {
      const q = detectionQuality(detection.flagged, poisoned.poisonedIndices);
      return `${name}: ${detection.flagged.length} removed, P ${q.precision?.toFixed(3)} R ${q.recall?.toFixed(3)}`;
    });
    console.log(`epoch ${logs.epoch + 1}: ${line.join(' | ')}`);
  },
});
probe.dispose();
optimizer.dispose();
model.dispose();
