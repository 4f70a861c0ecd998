import { resolve } from 'node:path';
import { poisonDataset, writePoisonedDataset } from '@none/attacks';
import { ConfigError, toExperimentOptions } from '@none/config';
import { loadDataset } from '@none/data';
import { defineCommand } from 'citty';
import { loadConfigArgument } from '../_config';
import { guard } from '../_errors';

export default defineCommand({
  meta: {
    name: 'attack',
    description:
      "Write the poisoned training set of a config's attack (images, labels, indices, manifest with SHA-256)",
  },
  args: {
    config: {
      type: 'string',
      description: 'Experiment config (JSON or YAML); default: the embedded MNIST default',
    },
    out: { type: 'string', description: 'Output folder', required: true },
    seed: { type: 'string', description: 'Override the config seed' },
  },
  async run({ args }) {
    await guard(async () => {
      const options = toExperimentOptions(await loadConfigArgument(args.config, args.seed));
      if (!options.attack)
        throw new ConfigError(
          'E_INVALID_CONFIG',
          'none attack: the config has attack: null, nothing to poison',
        );
      const { train } = await loadDataset(options.dataset);
      const result = poisonDataset(train, options.attack.config, {
        rate: options.attack.rate,
        seed: options.seed,
      });
      const out = resolve(args.out);
      await writePoisonedDataset(out, result);
      const { manifest } = result;
      process.stdout.write(
        `${manifest.counts.poisoned} of ${train.shape[0]} samples poisoned (${manifest.attack.type}, seed ${options.seed})\n` +
          `images sha256 ${manifest.sha256.images}\nlabels sha256 ${manifest.sha256.labels}\nwritten to ${out}\n`,
      );
    });
  },
});
