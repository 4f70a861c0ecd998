import { type Defense, readModelWeights, writeModelWeights } from '@none/trainer';
import { resumedState, trainingBaselineHooks } from './_training-baseline';
import type { BaselineOptions } from './baseline-options';
import { cleanSubset } from './clean-subset';
import { BaselineError } from './errors';
import { NAD_DEFAULTS, type NadState, runNad } from './nad';

/**
 * NAD (Li et al. 2021b) as a {@link Defense}: the undefended (backdoored) model is fine-tuned
 * into a teacher on `cleanFraction` of the training set (drawn from the unpoisoned samples,
 * NAD's threat model), then distilled back into the student by attention maps.
 */
export function nadDefense(options: BaselineOptions['nad'] = {}): Defense<NadState> {
  const { cleanFraction = 0.05, ...nad } = options;
  /** The undefended model's weights, kept from `afterUndefended` (also checkpointed). */
  let undefendedWeights: Float32Array[] | undefined;
  return {
    name: 'nad',
    async afterUndefended(model, context) {
      undefendedWeights = readModelWeights(model.model);
      await context.checkpoint(model);
    },
    async run(context) {
      const model = await context.build(0);
      try {
        const restored = context.restore();
        if (restored) {
          writeModelWeights(model.model, restored.weights);
        } else if (undefendedWeights) {
          writeModelWeights(model.model, undefendedWeights);
        } else {
          throw new BaselineError(
            'E_CHECKPOINT',
            'NAD starts from the undefended model, which this process no longer has; resume the run from its checkpoint folder (outDir)',
          );
        }
        const epochs =
          (nad.teacherEpochs ?? NAD_DEFAULTS.teacherEpochs) +
          (nad.distillationEpochs ?? NAD_DEFAULTS.distillationEpochs);
        await context.emit({ type: 'stage', stage: 'baseline', epochs });
        const { persist, common } = trainingBaselineHooks(context, model, epochs);
        const final = await runNad(model.model, context.train, {
          ...common,
          nad,
          cleanIndices: cleanSubset(
            context.train.shape[0],
            context.poisonedIndices,
            cleanFraction,
            context.seed,
          ),
          neurons: model.metadata.neurons,
          augment: context.training.augment ?? false,
          ...resumedState(context.state, restored),
          onCheckpoint: (state) => persist(state, state.teacherWeights),
        });
        await persist(final);
        return {
          model,
          outcome: {
            variant: `${Math.round(cleanFraction * 100)}% clean data, layers ${final.layers.join(', ')}`,
            removed: [],
            precision: null,
            recall: null,
            retrained: false,
            // NAD's cost includes training the undefended model it starts from.
            trainMs: context.elapsedMs() + context.undefended.trainMs,
            details: { layers: final.layers, records: final.records },
          },
        };
      } catch (error) {
        model.model.dispose();
        throw error;
      }
    },
  };
}
