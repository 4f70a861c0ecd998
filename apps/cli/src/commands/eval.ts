import { resolve } from 'node:path';
import { attackTestSet } from '@none/attacks';
import { toExperimentOptions } from '@none/config';
import { loadDataset } from '@none/data';
import { loadLayersModelFile } from '@none/models';
import { evaluateBackdoor } from '@none/trainer';
import { defineCommand } from 'citty';
import { checkOptions, UsageError } from '../_args';
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
      description:
        "A saved model: a run's folder (e.g. runs/default/model), or any tfjs LayersModel (its model.json or folder)",
    },
    config: {
      type: 'string',
      description:
        'Experiment config for the dataset and attack; default: the embedded MNIST default',
    },
    ...BACKEND_ARGS,
  },
  async run({ args, rawArgs }) {
    await guard(async () => {
      checkOptions('eval', rawArgs, this.args ?? {});
      if (!args.model)
        throw new UsageError('eval: --model is required (a saved model folder or model.json)');
      const options = toExperimentOptions(await loadConfigArgument(args.config));
      await initBackendFromArgs(args);
      // A softmax output ranks classes like the logits do, so any LayersModel is evaluated as is.
      const model = await loadLayersModelFile(resolve(args.model));
      const { test } = await loadDataset(options.dataset);
      const triggered = options.attack
        ? attackTestSet(test, options.attack.config).dataset
        : undefined;
      const { ba, asr } = await evaluateBackdoor(model, test, triggered);
      let line = `BA ${(ba * 100).toFixed(2)}% on ${test.shape[0]} test samples`;
      if (options.attack && triggered && asr !== null) {
        line += `\nASR ${(asr * 100).toFixed(2)}% on ${triggered.shape[0]} triggered samples (${options.attack.config.type})`;
      }
      model.dispose();
      process.stdout.write(`${line}\n`);
    });
  },
});
