import type { BuiltModel } from '@none/models';
import { keptIndices } from '../_batches';
import { writeModelWeights } from '../checkpoint';
import type { Defense, DefenseContext } from '../defense';
import { TrainerError } from '../errors';
import { scaleSchedule } from '../learning-rate';
import type { OptimizerState } from '../optimizer';
import type { TrainingOptions } from '../training-options';
import { type NoneOptions, SIGNATURE_SCHEDULE } from './none-options';
import { type NoneState, resolveNoneOptions, runNone } from './run-none';

/** NONE as a defense of the experiment runner: warm-up, detection rounds, then (optionally) a retrain. */
export interface NoneDefenseOptions extends NoneOptions {
  /**
   * After the NONE rounds, re-initialise the model and train it from scratch on the kept
   * samples ("purify and retrain"; `signature`: for the epochs left after the warm-up).
   * When an `'auto'` warm-up ended at its cap below `warmupAccuracy` (and `retrainEpochs` is
   * not set), the epochs left would leave a fresh model under-trained: the NONE model, its
   * trojan channels reset, then trains on the kept samples instead.
   * @default true for `signature`, false for the other variants
   */
  retrain?: boolean;
  /**
   * Epochs of that retrain.
   * @default training.epochs (`signature`: the epochs left after the warm-up)
   */
  retrainEpochs?: number;
  /**
   * Epochs of plain training before the first detection, or `'auto'`: until an epoch's
   * training accuracy reaches `warmupAccuracy` (the model has learnt the data, and with it
   * any backdoor), at most half of `training.epochs`.
   * @default 'auto' for `signature`; training.epochs - rounds * epochsPerRound for the others
   */
  warmupEpochs?: number | 'auto';
  /** `warmupEpochs: 'auto'`: the training accuracy that ends the warm-up. @default 0.9 */
  warmupAccuracy?: number;
}

/** What a NONE run keeps across a kill: its warm-up and its rounds. */
export interface NoneDefenseState {
  /** Epochs the warm-up trained (known once it ends). */
  warmedUp?: number;
  /** Training accuracy of the warm-up's last epoch (an `'auto'` warm-up resumes on it). */
  warmupAccuracy?: number;
  none?: NoneState;
}

/**
 * Epochs NONE's rounds fine-tuned: `epochsPerRound` for each round that removed or reset
 * something (a round that found nothing ends the rounds without training).
 */
function fineTunedEpochs(state: NoneState | undefined, epochsPerRound: number): number {
  const rounds = (state?.records ?? []).filter(
    (r) => r.removed > 0 || Object.values(r.neuronsReset).some((c) => c > 0),
  ).length;
  return rounds * epochsPerRound;
}

/**
 * NONE (this paper) as a {@link Defense}: trains a model from the undefended model's seed
 * for the warm-up, runs the detection rounds (probe, detect, remove, reset, fine-tune), then
 * retrains a fresh model on the kept samples or, when nothing was removed, trains the
 * warm-up model on to the full budget.
 */
export function noneDefense(options: NoneDefenseOptions = {}): Defense<NoneDefenseState> {
  const none = resolveNoneOptions(options);
  const fineTuneEpochs = none.rounds * none.epochsPerRound;
  const warmupSetting = (epochs: number) =>
    options.warmupEpochs ??
    (none.variant === 'signature' ? SIGNATURE_SCHEDULE.warmupEpochs : epochs - fineTuneEpochs);
  const warmupCap = (epochs: number) => {
    const setting = warmupSetting(epochs);
    return setting === 'auto' ? Math.max(1, Math.floor(epochs / 2)) : setting;
  };
  const warmupAccuracy = options.warmupAccuracy ?? SIGNATURE_SCHEDULE.warmupAccuracy;
  /** `signature` retrains on the kept samples by default (it has no fine-tune rounds). */
  const retrain = options.retrain ?? none.variant === 'signature';
  const fineTuned = (state: NoneState | undefined) => fineTunedEpochs(state, none.epochsPerRound);

  return {
    name: 'NONE',
    validate(training: TrainingOptions) {
      if (warmupCap(training.epochs) < 1) {
        throw new TrainerError(
          'E_INVALID_ARGUMENT',
          `NONE needs at least one warm-up epoch: training.epochs (${training.epochs}) must exceed none.rounds x none.epochsPerRound (${fineTuneEpochs}), or set none.warmupEpochs`,
        );
      }
    },
    async run(context: DefenseContext<NoneDefenseState>) {
      const totalEpochs = context.training.epochs;
      const cap = warmupCap(totalEpochs);
      const state: NoneDefenseState = context.state ?? {};
      context.state = state;
      /** Epochs the warm-up trained (fixed, or where an `'auto'` warm-up stopped). */
      const warmedUp = () => state.warmedUp ?? cap;
      const built = await context.build(0);
      let finalModel: BuiltModel = built;
      /** The warm-up's optimizer: training on after an empty detection continues with it. */
      let warmupOptimizer: OptimizerState | undefined;
      try {
        // 1. Warm-up.
        if (context.phase === 'start' || context.phase === 'warmup') {
          const reached = (accuracy: number | undefined) =>
            warmupSetting(totalEpochs) === 'auto' &&
            accuracy !== undefined &&
            accuracy >= warmupAccuracy;
          if (!reached(state.warmupAccuracy)) {
            warmupOptimizer = await context.trainPhase(built, 'warmup', cap, {
              onLogs: (logs) => {
                state.warmupAccuracy = logs.accuracy;
              },
              stopAfter: (logs) => reached(logs.accuracy),
            });
          } else {
            const restored = context.restore('warmup');
            if (restored) writeModelWeights(built.model, restored.weights);
            warmupOptimizer = restored?.optimizer;
          }
          state.warmedUp = context.epoch;
          context.enter('none');
          await context.checkpoint(built, warmupOptimizer ? { optimizer: warmupOptimizer } : {});
        }
        // 2. Detection rounds.
        if (context.phase === 'none') {
          const restored = context.restore('none');
          if (restored) writeModelWeights(built.model, restored.weights);
          // A checkpoint of this phase holds the fine-tune's optimizer once a round trained,
          // the warm-up's before.
          if (restored?.optimizer && fineTuned(state.none) === 0) {
            warmupOptimizer = restored.optimizer;
          }
          await context.emit({ type: 'stage', stage: 'none', epochs: fineTuneEpochs });
          const final = await runNone(built.model, context.train, {
            none,
            neurons: built.metadata.neurons,
            optimizer: context.training.optimizer,
            batchSize: context.training.batchSize,
            augment: context.training.augment,
            seed: context.seed,
            firstEpoch: warmedUp(),
            poisonedIndices: context.poisonedIndices,
            ...(state.none
              ? {
                  state: {
                    ...state.none,
                    ...(restored?.optimizer ? { optimizer: restored.optimizer } : {}),
                  },
                }
              : {}),
            onEvent: (event) => context.emit({ type: 'none', event }),
            onCheckpoint: async (noneState) => {
              state.none = structuredClone({ ...noneState, optimizer: undefined });
              const optimizer = noneState.optimizer ?? warmupOptimizer;
              await context.checkpoint(built, optimizer ? { optimizer } : {});
            },
          });
          state.none = { ...final, optimizer: undefined };
          context.enter(retrain ? 'retrain' : 'done');
        }
        // 3. Retrain on the kept samples (or train on when nothing was removed).
        const removed = state.none?.removed ?? [];
        const kept = () => keptIndices(context.train.shape[0], new Set(removed));
        // An 'auto' warm-up that ended at its cap before the model reached `warmupAccuracy`
        // says that this model needs more than the epochs left to learn the data: a fresh
        // model would end under-trained (NiN 1/4: BA 89 -> 68-79 after a 5-epoch retrain).
        // Then the NONE model itself trains on, on the kept samples with its trojan channels
        // reset: the paper's own procedure.
        const learntInWarmup =
          warmupSetting(totalEpochs) !== 'auto' ||
          options.retrainEpochs !== undefined ||
          (state.warmupAccuracy ?? 0) >= warmupAccuracy;
        const fresh = removed.length > 0 && learntInWarmup;
        if (context.phase === 'retrain') {
          if (fresh) {
            // A fresh model (another initialisation seed) trained on the kept samples only;
            // its initial weights are checkpointed so that a kill before its first epoch
            // resumes here. Its learning-rate schedule is the full training's, scaled to its
            // epochs, so that it too ends at the decayed rate.
            finalModel = await context.build(1);
            if (context.epoch === 0 && !context.restorable('retrain')) {
              await context.checkpoint(finalModel);
            }
            const epochs =
              options.retrainEpochs ??
              (none.variant === 'signature' ? totalEpochs - warmedUp() : totalEpochs);
            await context.trainPhase(finalModel, 'retrain', epochs, {
              indices: kept(),
              seed: context.seed + 1,
              schedule: scaleSchedule(context.training.schedule, totalEpochs, epochs),
            });
          } else {
            // The NONE model trains on to the full budget instead of starting over (on the
            // kept samples after a removal; when nothing was removed, clean data costs no
            // second training). When no round fine-tuned it, it keeps the warm-up's
            // optimizer, as plain training would: with a fresh Adam state in the middle of
            // training, NiN 1/4 BadNets seed 2 ended at 85.90% BA after its removal, with the
            // warm-up's at 88.70% (undefended 89.00%).
            const trained = warmedUp() + fineTuned(state.none);
            const carry = fineTuned(state.none) === 0;
            await context.trainPhase(built, 'retrain', Math.max(0, totalEpochs - trained), {
              firstEpoch: trained,
              ...(removed.length > 0 ? { indices: kept() } : {}),
              ...(carry && warmupOptimizer ? { optimizer: warmupOptimizer } : {}),
            });
          }
          context.enter('done');
        }
        return {
          model: finalModel,
          outcome: {
            variant: none.variant,
            removed,
            retrained: retrain && fresh,
            trainMs: context.elapsedMs(),
            rounds: state.none?.records ?? [],
          },
        };
      } finally {
        if (finalModel !== built) built.model.dispose();
      }
    },
  };
}
