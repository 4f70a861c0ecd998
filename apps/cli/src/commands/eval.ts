import { resolve } from 'node:path';
import { attackTestSet } from '@none/attacks';
import { toExperimentOptions } from '@none/config';
import { loadDataset } from '@none/data';
import { loadModel } from '@none/models';
import { accuracy, argmaxRows, predictLogits } from '@none/trainer';
import { defineCommand } from 'citty';
import { BACKEND_ARGS, initBackendFromArgs } from '../_backend';
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
    ...BACKEND_ARGS,
  },
  async run({ args }) {
    await guard(async () => {
      const options = toExperimentOptions(await loadConfigArgument(args.config));
      await initBackendFromArgs(args);
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
