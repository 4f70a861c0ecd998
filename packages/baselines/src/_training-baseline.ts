import type { BuiltModel } from '@none/models';
import type { DefenseContext, EpochLogs, OptimizerState, RestoredCheckpoint } from '@none/trainer';

/** A baseline's resumable state, as its `run*` function reports it at every checkpoint. */
interface BaselineState {
  optimizer?: OptimizerState;
  teacherWeights?: Float32Array[];
}

/**
 * What ABL, NAD and DBD share under the experiment runner: one `'baseline'` progress stage of
 * `epochs` epochs, their events mapped onto it, and checkpoints that keep the JSON part of
 * their state in the run's state and the binary parts (optimizer, NAD's teacher) beside
 * the weights.
 */
export function trainingBaselineHooks<State extends BaselineState>(
  context: DefenseContext<State>,
  model: BuiltModel,
  epochs: number,
) {
  const persist = async (value: State, teacher?: Float32Array[]) => {
    context.state = { ...value, optimizer: undefined, teacherWeights: undefined };
    await context.checkpoint(model, {
      ...(value.optimizer ? { optimizer: value.optimizer } : {}),
      ...(teacher ? { extra: teacher } : {}),
    });
  };
  const onEvent = (event: { type: string; logs?: EpochLogs; batch?: number; batches?: number }) =>
    event.type === 'epoch'
      ? context.emit({ type: 'epoch', stage: 'baseline', logs: event.logs!, epochs })
      : event.type === 'batch'
        ? context.emit({
            type: 'batch',
            stage: 'baseline',
            batch: event.batch!,
            batches: event.batches!,
          })
        : undefined;
  return {
    persist,
    common: {
      optimizer: context.training.optimizer,
      batchSize: context.training.batchSize,
      seed: context.seed,
      onEvent,
    },
  };
}

/**
 * The `state` option of a resumed `run*` call: the run's JSON state with the binary parts the
 * checkpoint restored (the optimizer, and NAD's teacher weights from its extra arrays); none
 * on a fresh start.
 */
export function resumedState<State extends BaselineState>(
  state: State | undefined,
  restored: RestoredCheckpoint | undefined,
): { state?: State } {
  if (!state) return {};
  return {
    state: {
      ...state,
      ...(restored?.optimizer ? { optimizer: restored.optimizer } : {}),
      ...(restored?.extra?.length ? { teacherWeights: restored.extra } : {}),
    },
  };
}
