import { createActivationProbe } from '@none/probe';
import { type Defense, keptIndices } from '@none/trainer';
import { activationClustering } from './activation-clustering';
import type { BaselineOptions } from './baseline-options';

/** What Activation Clustering found on the undefended model, and how long it took. */
export interface ActivationClusteringState {
  /** The flagged training samples. */
  removed: number[];
  ms: number;
}

/**
 * Activation Clustering (Chen et al. 2018) as a {@link Defense}: the undefended model's
 * last hidden layer is clustered per class (PCA, 2-means); the small clusters are removed
 * and a fresh model is trained on the rest. Its cost includes the undefended training.
 */
export function activationClusteringDefense(
  options: BaselineOptions['activationClustering'] = {},
): Defense<ActivationClusteringState> {
  return {
    name: 'activation-clustering',
    async afterUndefended(model, context) {
      const started = performance.now();
      const last = model.metadata.neurons[model.metadata.neurons.length - 1]!;
      const probe = createActivationProbe(model.model, {
        neurons: model.metadata.neurons,
        layers: [last.layer],
        point: 'post',
      });
      const collected = await probe.collect(context.train, {
        batchSize: context.evaluationBatchSize,
      });
      probe.dispose();
      const layer = collected.layers[0]!;
      const clustering = activationClustering(
        {
          values: layer.values,
          neurons: layer.neurons,
          labels: context.train.labels,
          numClasses: context.train.numClasses,
        },
        { ...options, seed: context.seed },
      );
      context.state = { removed: Array.from(clustering.flagged), ms: performance.now() - started };
    },
    async run(context) {
      const removed = context.state?.removed ?? [];
      const model = await context.build(1);
      try {
        await context.trainPhase(model, 'baseline', context.training.epochs, {
          indices: keptIndices(context.train.shape[0], new Set(removed)),
          seed: context.seed + 1,
        });
        return {
          model,
          outcome: {
            variant: `size <= ${options.sizeThreshold ?? 0.35}`,
            removed,
            retrained: true,
            trainMs: context.elapsedMs() + (context.state?.ms ?? 0) + context.undefended.trainMs,
          },
        };
      } catch (error) {
        model.model.dispose();
        throw error;
      }
    },
  };
}
