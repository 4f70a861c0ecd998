import { type Defense, writeModelWeights } from '@none/trainer';
import type { BaselineOptions } from './baseline-options';
import { DP_SGD_SETTINGS, trainEpochsDpSgd } from './dp-sgd';

/**
 * DP-SGD (Abadi et al. 2016; Hong et al. 2020) as a {@link Defense}: a fresh model trained
 * with per-sample clipped, noised gradients for the whole training budget. It removes
 * nothing, so precision and recall do not apply.
 */
export function dpSgdDefense(options: BaselineOptions['dpSgd'] = {}): Defense {
  const setting = options.setting ?? 'light';
  return {
    name: 'dp-sgd',
    async run(context) {
      const model = await context.build(0);
      try {
        const restored = context.restore();
        if (restored) writeModelWeights(model.model, restored.weights);
        const epochs = context.training.epochs;
        context.enter('baseline');
        await context.emit({ type: 'stage', stage: 'baseline', epochs });
        const optimizer = context.training.optimizer;
        await trainEpochsDpSgd(model.model, context.train, {
          epochs: epochs - context.epoch,
          startEpoch: context.epoch,
          batchSize: context.training.batchSize,
          learningRate:
            options.learningRate ??
            (optimizer.type === 'sgd' ? optimizer.learningRate : undefined) ??
            0.05,
          ...DP_SGD_SETTINGS[setting],
          ...(options.microBatchSize ? { microBatchSize: options.microBatchSize } : {}),
          seed: context.seed,
          onEpochEnd: (logs) => context.epochDone(model, 'baseline', logs, epochs),
        });
        return {
          model,
          outcome: {
            variant: setting,
            removed: [],
            precision: null,
            recall: null,
            retrained: false,
            trainMs: context.elapsedMs(),
          },
        };
      } catch (error) {
        model.model.dispose();
        throw error;
      }
    },
  };
}
