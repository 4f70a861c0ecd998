import { resolve } from 'node:path';
import { toExperimentOptions } from '@none/config';
import { defenseWarnings, noneFinding, runExperiment } from '@none/experiment';
import { loadLayersModelFile } from '@none/models';
import { defineCommand } from 'citty';
import { checkOptions, checkOutputFolder } from '../_args';
import { BACKEND_ARGS, initBackendFromArgs } from '../_backend';
import { loadConfigArgument } from '../_config';
import { guard } from '../_errors';
import { createProgressReporter } from '../_progress';
import { formatSummary } from '../_summary';

export default defineCommand({
  meta: {
    name: 'train',
    description:
      'Train a model with and without NONE and report BA, ASR and what NONE removed. Without --config: ' +
      'the embedded MNIST, BadNets 3x3 white patch (target 0, 5% poisoned), small CNN.',
  },
  args: {
    config: {
      type: 'string',
      description: 'Experiment config (JSON or YAML); default: the embedded MNIST default',
    },
    model: {
      type: 'string',
      description:
        "Your own tfjs LayersModel (its model.json, or the folder that holds it) instead of the config's model; its weights are redrawn from the seed",
    },
    out: {
      type: 'string',
      description: 'Output folder (report.json, report.md, model, checkpoints)',
      default: 'runs/default',
    },
    resume: {
      type: 'boolean',
      description: 'Continue the run in --out from its last checkpoint',
      default: false,
    },
    seed: { type: 'string', description: 'Override the config seed' },
    ...BACKEND_ARGS,
    quiet: { type: 'boolean', description: 'Print only the summary', default: false },
  },
  async run({ args, rawArgs }) {
    await guard(async () => {
      checkOptions('train', rawArgs, this.args ?? {});
      const withSeed = await loadConfigArgument(args.config, args.seed);
      const out = resolve(args.out);
      await checkOutputFolder(out);
      const backend = await initBackendFromArgs(args);
      const userModel = args.model ? await loadLayersModelFile(resolve(args.model)) : undefined;
      const options = toExperimentOptions(withSeed);
      if (userModel) options.model = { architecture: 'custom' };
      if (!args.quiet) process.stderr.write(`backend: ${backend.description}\noutput: ${out}\n`);
      const progress = createProgressReporter({
        interactive: Boolean(process.stderr.isTTY),
        quiet: args.quiet,
      });
      try {
        const report = await runExperiment(options, {
          ...(userModel ? { model: userModel } : {}),
          outDir: out,
          resume: args.resume,
          onEvent: (event) => progress.onEvent(event),
        });
        progress.stop();
        process.stdout.write(`\n${formatSummary(report)}\n\n`);
        const finding = report.attack ? null : noneFinding(report);
        if (finding) process.stdout.write(`${finding}\n`);
        for (const warning of defenseWarnings(report))
          process.stdout.write(`warning: ${warning}\n`);
        process.stdout.write(`report: ${out}/report.json, ${out}/report.md\n`);
      } finally {
        progress.stop();
        userModel?.dispose();
      }
    });
  },
});
