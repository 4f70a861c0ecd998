import { describe, expect, it } from 'vitest';
import { learningRateAt, scaleSchedule } from './learning-rate';

describe('scaleSchedule', () => {
  it('scales multistep milestones and step sizes to a shorter training', () => {
    const multistep = { type: 'multistep' as const, milestones: [7], gamma: 0.1 };
    // 10 epochs decaying at 7 -> 5 epochs decaying at round(3.5) = 4; 9 epochs at round(6.3) = 6.
    expect(scaleSchedule(multistep, 10, 5)).toEqual({ ...multistep, milestones: [4] });
    expect(scaleSchedule(multistep, 10, 9)).toEqual({ ...multistep, milestones: [6] });
    expect(scaleSchedule({ type: 'step', stepSize: 3 }, 10, 5)).toEqual({
      type: 'step',
      stepSize: 2,
    });
    expect(scaleSchedule({ type: 'step', stepSize: 1 }, 10, 2)).toEqual({
      type: 'step',
      stepSize: 1,
    });
  });

  it('leaves constant schedules, equal budgets and no schedule alone', () => {
    const constant = { type: 'constant' as const };
    expect(scaleSchedule(constant, 10, 5)).toBe(constant);
    const multistep = { type: 'multistep' as const, milestones: [7] };
    expect(scaleSchedule(multistep, 10, 10)).toBe(multistep);
    expect(scaleSchedule(undefined, 10, 5)).toBeUndefined();
  });

  it('ends a scaled training at the decayed rate, as the full one does', () => {
    const schedule = { type: 'multistep' as const, milestones: [7], gamma: 0.1 };
    const scaled = scaleSchedule(schedule, 10, 5);
    expect(learningRateAt(1, 9, schedule)).toBeCloseTo(0.1);
    expect(learningRateAt(1, 4, scaled)).toBeCloseTo(0.1);
    expect(learningRateAt(1, 3, scaled)).toBe(1);
  });
});
