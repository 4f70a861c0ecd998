import { type Defense, writeModelWeights } from '@none/trainer';
import { resumedState, trainingBaselineHooks } from './_training-baseline';
import { ABL_DEFAULTS, type AblOptions, type AblState, runAbl } from './abl';

/**
 * ABL (Li et al. 2021a) as a {@link Defense}: a fresh model isolates the lowest-loss samples
 * under local gradient ascent, trains on the rest and unlearns the isolated ones.
 * `cleanEpochs` defaults to the training budget less the isolation epochs.
 */
export function ablDefense(options: AblOptions = {}): Defense<AblState> {
  return {
    name: 'abl',
    async run(context) {
      const model = await context.build(0);
      try {
        const restored = context.restore();
        if (restored) writeModelWeights(model.model, restored.weights);
        const isolationEpochs = options.isolationEpochs ?? ABL_DEFAULTS.isolationEpochs;
        const abl = {
          ...options,
          cleanEpochs:
            options.cleanEpochs ?? Math.max(0, context.training.epochs - isolationEpochs),
        };
        const epochs =
          isolationEpochs +
          abl.cleanEpochs +
          (options.unlearningEpochs ?? ABL_DEFAULTS.unlearningEpochs);
        await context.emit({ type: 'stage', stage: 'baseline', epochs });
        const { persist, common } = trainingBaselineHooks(context, model, epochs);
        const final = await runAbl(model.model, context.train, {
          ...common,
          abl,
          ...(context.training.schedule ? { schedule: context.training.schedule } : {}),
          augment: context.training.augment ?? false,
          ...(context.poisonedIndices ? { poisonedIndices: context.poisonedIndices } : {}),
          ...resumedState(context.state, restored),
          onCheckpoint: (state) => persist(state),
        });
        await persist(final);
        return {
          model,
          outcome: {
            variant: `isolate ${final.isolation?.isolated ?? 0} (γ ${options.gamma ?? ABL_DEFAULTS.gamma})`,
            removed: final.isolated,
            precision: final.isolation?.precision ?? null,
            recall: final.isolation?.recall ?? null,
            retrained: false,
            trainMs: context.elapsedMs(),
            details: { isolation: final.isolation, records: final.records },
          },
        };
      } catch (error) {
        model.model.dispose();
        throw error;
      }
    },
  };
}
