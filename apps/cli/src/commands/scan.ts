import { resolve } from 'node:path';
import { NATURAL_TROJAN_BUDGETS, naturalTrojanScan } from '@none/attacks/model';
import { toExperimentOptions } from '@none/config';
import { loadDataset, subsetDataset } from '@none/data';
import { loadModel } from '@none/models';
import { defineCommand } from 'citty';
import { BACKEND_ARGS, initBackendFromArgs } from '../_backend';
import { loadConfigArgument } from '../_config';
import { guard } from '../_errors';

export default defineCommand({
  meta: {
    name: 'scan',
    description:
      'Natural-trojan scan (§5.2): reverse-engineer a trigger per target label under each mask budget and report REASR',
  },
  args: {
    model: {
      type: 'string',
      description: 'Saved model folder (e.g. runs/default/model)',
      required: true,
    },
    config: {
      type: 'string',
      description: 'Experiment config for the dataset; default: the embedded MNIST',
    },
    budgets: {
      type: 'string',
      description: `Comma-separated mask budgets (default ${NATURAL_TROJAN_BUDGETS.join(',')})`,
    },
    samples: { type: 'string', description: 'Clean test images to optimise on', default: '200' },
    steps: { type: 'string', description: 'Adam steps per budget and target', default: '200' },
    seed: { type: 'string', description: 'Seed', default: '0' },
    ...BACKEND_ARGS,
  },
  async run({ args }) {
    await guard(async () => {
      const options = toExperimentOptions(await loadConfigArgument(args.config));
      await initBackendFromArgs(args);
      const { model } = await loadModel(resolve(args.model));
      const { test } = await loadDataset(options.dataset);
      const count = Math.min(Number(args.samples), test.shape[0]);
      // Evenly spaced over the test set (which may be ordered by class).
      const stride = test.shape[0] / count;
      const images = subsetDataset(
        test,
        Int32Array.from({ length: count }, (_, i) => Math.floor(i * stride)),
      );
      const budgets = args.budgets ? args.budgets.split(',').map(Number) : NATURAL_TROJAN_BUDGETS;
      const result = await naturalTrojanScan(model, images, {
        budgets,
        steps: Number(args.steps),
        seed: Number(args.seed),
        labels: images.labels,
      });
      model.dispose();
      const lines = result.budgets.map(
        (b) =>
          `budget ${(b.budget * 100).toFixed(0).padStart(2)}%: REASR ${(b.reasr * 100).toFixed(2)}% (target ${b.bestTarget})`,
      );
      process.stdout.write(
        `${lines.join('\n')}\nmean REASR ${(result.meanReasr * 100).toFixed(2)}% over ${count} images\n`,
      );
    });
  },
});
