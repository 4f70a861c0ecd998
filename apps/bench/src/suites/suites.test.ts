import { describe, expect, it } from 'vitest';
import { planSuite } from '../runner';
import { SCALES } from '../types';
import { SUITES } from './index';

describe('suites', () => {
  const names = Object.keys(SUITES);

  it('has every suite of the issue', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'injected',
        'benign',
        'patterns',
        'trigger-size',
        'poison-rate',
        'more-attacks',
        'activations',
        'sensitivity',
        'natural',
        'efficiency',
        'precision-recall',
        'adaptive',
        'federated',
      ]),
    );
  });

  for (const name of names) {
    for (const scale of SCALES) {
      it(`${name} at ${scale}: every config parses, ids are unique`, () => {
        const plan = planSuite(SUITES[name]!, scale);
        expect(plan.length).toBeGreaterThan(0);
        expect(new Set(plan.map((p) => p.id)).size).toBe(plan.length);
        for (const run of plan) {
          for (const v of [
            run.paper?.ba,
            run.paper?.asr,
            run.paper?.undefendedBa,
            run.paper?.undefendedAsr,
          ]) {
            if (v === undefined) continue;
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(100);
          }
        }
      });
    }
  }

  it('smoke scale runs on a subset and stays small (CI)', () => {
    const total = names.reduce((s, n) => s + planSuite(SUITES[n]!, 'smoke').length, 0);
    expect(total).toBeLessThanOrEqual(30);
    for (const n of names)
      for (const run of planSuite(SUITES[n]!, 'smoke')) expect(run.subset).toBeDefined();
  });

  it('injected at cpu scale is the two BadNets modes x NONE, the four baselines, DP-SGD strong and DBD', () => {
    const plan = planSuite(SUITES.injected!, 'cpu');
    expect(plan.map((p) => p.labels.defense)).toEqual(
      [...Array(2)].flatMap(() => [
        'NONE',
        'dp-sgd',
        'nad',
        'activation-clustering',
        'abl',
        'dp-sgd-strong',
        'dbd',
      ]),
    );
    expect(new Set(plan.map((p) => p.labels.attack))).toEqual(
      new Set(['single-target', 'label-specific']),
    );
  });

  it('a run hash changes with the config and not with the labels', () => {
    const [a] = planSuite(SUITES['poison-rate']!, 'cpu');
    const changed = planSuite(
      {
        ...SUITES['poison-rate']!,
        runs: (s) =>
          SUITES['poison-rate']!.runs(s).map((r) => ({ ...r, config: { ...r.config, seed: 7 } })),
      },
      'cpu',
    )[0];
    const relabelled = planSuite(
      {
        ...SUITES['poison-rate']!,
        runs: (s) => SUITES['poison-rate']!.runs(s).map((r) => ({ ...r, labels: { x: 1 } })),
      },
      'cpu',
    )[0];
    expect(changed!.hash).not.toBe(a!.hash);
    expect(relabelled!.hash).toBe(a!.hash);
  });
});
