import { resolve } from 'node:path';
import { attackTestSet } from '@none/attacks';
import { initBackend } from '@none/backend';
import { toExperimentOptions } from '@none/config';
import { loadDataset } from '@none/data';
import { loadModel } from '@none/models';
import { accuracy, argmaxRows, predictLogits } from '@none/trainer';
import { defineCommand } from 'citty';
import { loadConfigArgument } from '../_config';
import { guard } from '../_errors';

export default defineCommand({
  meta: {
    name: 'eval',
    description: "BA and ASR of a saved model on a config's test set and attack",
  },
  args: {
    model: {
      type: 'string',
      description: 'Saved model folder (e.g. runs/default/model)',
      required: true,
    },
    config: {
      type: 'string',
      description:
        'Experiment config for the dataset and attack; default: the embedded MNIST default',
    },
    backend: { type: 'string', description: 'auto | tensorflow | wasm | cpu', default: 'auto' },
    threads: {
      type: 'string',
      description:
        'wasm threads (default: one per core, up to 8; results are identical for any count)',
    },
  },
  async run({ args }) {
    await guard(async () => {
      const options = toExperimentOptions(await loadConfigArgument(args.config));
      await initBackend({
        prefer: args.backend as 'auto',
        ...(args.threads ? { threads: Number(args.threads) } : {}),
      });
      const { model } = await loadModel(resolve(args.model));
      const { test } = await loadDataset(options.dataset);
      const ba = accuracy(
        argmaxRows(await predictLogits(model, test), test.numClasses),
        test.labels,
      );
      let line = `BA ${(ba * 100).toFixed(2)}% on ${test.shape[0]} test samples`;
      if (options.attack) {
        const triggered = attackTestSet(test, options.attack.config).dataset;
        const asr = accuracy(
          argmaxRows(await predictLogits(model, triggered), test.numClasses),
          triggered.labels,
        );
        line += `\nASR ${(asr * 100).toFixed(2)}% on ${triggered.shape[0]} triggered samples (${options.attack.config.type})`;
      }
      model.dispose();
      process.stdout.write(`${line}\n`);
    });
  },
});
