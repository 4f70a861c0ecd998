import { type Defense, writeModelWeights } from '@none/trainer';
import { resumedState, trainingBaselineHooks } from './_training-baseline';
import type { BaselineOptions } from './baseline-options';
import { DBD_DEFAULTS, type DbdState, runDbd } from './dbd';

/**
 * DBD (Huang et al. 2022) as a {@link Defense}: self-supervised training of the backbone, a
 * head trained on it, then semi-supervised fine-tuning with the high-loss samples unlabeled.
 * The samples it keeps unlabeled are the ones it distrusts: the report counts them as removed.
 */
export function dbdDefense(options: BaselineOptions['dbd'] = {}): Defense<DbdState> {
  return {
    name: 'dbd',
    async run(context) {
      const model = await context.build(0);
      try {
        const restored = context.restore();
        if (restored) writeModelWeights(model.model, restored.weights);
        const epochs =
          (options.selfSupervisedEpochs ?? DBD_DEFAULTS.selfSupervisedEpochs) +
          (options.headEpochs ?? DBD_DEFAULTS.headEpochs) +
          (options.fineTuneEpochs ?? DBD_DEFAULTS.fineTuneEpochs);
        await context.emit({ type: 'stage', stage: 'baseline', epochs });
        const { persist, common } = trainingBaselineHooks(context, model, epochs);
        const final = await runDbd(model.model, context.train, {
          ...common,
          ...options,
          ...(context.poisonedIndices ? { poisonedIndices: context.poisonedIndices } : {}),
          ...resumedState(context.state, restored),
          onCheckpoint: (state) => persist(state),
        });
        await persist(final);
        const split = final.splits[final.splits.length - 1];
        let precision: number | null = null;
        if (split && split.poisonedInLabeled !== null && split.unlabeled > 0) {
          const poisonedCount = context.poisonedIndices?.length ?? 0;
          precision = (poisonedCount - split.poisonedInLabeled) / split.unlabeled;
        }
        return {
          model,
          outcome: {
            variant: `labeled ${Math.round((options.labeledFraction ?? DBD_DEFAULTS.labeledFraction) * 100)}%`,
            removed: [],
            removedCount: split?.unlabeled ?? 0,
            precision,
            recall: split?.poisonedRecall ?? null,
            retrained: false,
            trainMs: context.elapsedMs(),
            details: { splits: final.splits, history: final.history },
          },
        };
      } catch (error) {
        model.model.dispose();
        throw error;
      }
    },
  };
}
