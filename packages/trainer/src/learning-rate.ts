import { TrainerError } from './errors';

/** Step decay: multiply the rate by `gamma` every `stepSize` epochs, or at `milestones`. */
export interface LearningRateSchedule {
  type: 'constant' | 'step' | 'multistep';
  /** `step`: epochs between decays. */
  stepSize?: number;
  /** `multistep`: epochs (0-based) at which the rate is multiplied by gamma. */
  milestones?: number[];
  /** @default 0.1 */
  gamma?: number;
}

/** The learning rate of `epoch` (0-based) for a base rate and a schedule. */
export function learningRateAt(
  base: number,
  epoch: number,
  schedule: LearningRateSchedule = { type: 'constant' },
): number {
  const gamma = schedule.gamma ?? 0.1;
  switch (schedule.type) {
    case 'constant':
      return base;
    case 'step': {
      const stepSize = schedule.stepSize ?? 0;
      if (!Number.isInteger(stepSize) || stepSize < 1) {
        throw new TrainerError(
          'E_INVALID_ARGUMENT',
          `learningRateAt: a step schedule needs stepSize >= 1, got ${stepSize}`,
        );
      }
      return base * gamma ** Math.floor(epoch / stepSize);
    }
    case 'multistep': {
      const passed = (schedule.milestones ?? []).filter((m) => epoch >= m).length;
      return base * gamma ** passed;
    }
    default:
      throw new TrainerError(
        'E_INVALID_ARGUMENT',
        `learningRateAt: unknown schedule type ${String(schedule.type)}`,
      );
  }
}

/**
 * `schedule` for a training of `toEpochs` epochs that should follow the shape of one of
 * `fromEpochs`: milestones and step sizes scaled by `toEpochs / fromEpochs` (rounded, a step
 * at least 1 epoch). A retrain on a shorter budget then still ends at the decayed rate.
 */
export function scaleSchedule(
  schedule: LearningRateSchedule | undefined,
  fromEpochs: number,
  toEpochs: number,
): LearningRateSchedule | undefined {
  if (!schedule || fromEpochs <= 0 || toEpochs === fromEpochs) return schedule;
  const scale = toEpochs / fromEpochs;
  switch (schedule.type) {
    case 'multistep':
      return {
        ...schedule,
        milestones: (schedule.milestones ?? []).map((m) => Math.round(m * scale)),
      };
    case 'step':
      return { ...schedule, stepSize: Math.max(1, Math.round((schedule.stepSize ?? 1) * scale)) };
    default:
      return schedule;
  }
}
