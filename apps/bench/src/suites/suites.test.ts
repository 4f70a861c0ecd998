import { describe, expect, it } from 'vitest';
import { TABLE_1 } from '../paper';
import { planSuite } from '../runner';
import { SCALES } from '../types';
import { checkSeeds, overSeeds } from './_presets';
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
    // 2 runs a suite at most, over 16 suites (npm run check:bench-smoke runs them all).
    expect(total).toBeLessThanOrEqual(32);
    for (const n of names)
      for (const run of planSuite(SUITES[n]!, 'smoke')) expect(run.subset).toBeDefined();
  });

  it("injected at cpu scale: the small CNN against every defense, then the paper's networks against NONE and three baselines, ResNet18 also DP-SGD", () => {
    const plan = planSuite(SUITES.injected!, 'cpu');
    const smallCnn = [
      'NONE',
      'dp-sgd',
      'nad',
      'activation-clustering',
      'abl',
      'dp-sgd-strong',
      'dbd',
    ];
    const paper = ['NONE', 'nad', 'activation-clustering', 'abl'];
    const networks = ['NiN 1/4', 'VGG11 1/4', 'ResNet18 1/8'];
    const perMode = [
      ...smallCnn.map((d) => `small CNN/${d}`),
      ...networks.flatMap((n) => paper.map((d) => `${n}/${d}`)),
      'ResNet18 1/8/dp-sgd (micro-batch 16)',
    ];
    expect(plan.map((p) => `${p.labels.network}/${p.labels.defense}`)).toEqual([
      ...perMode,
      ...perMode,
    ]);
    expect(new Set(plan.map((p) => p.labels.attack))).toEqual(
      new Set(['single-target', 'label-specific']),
    );
    const resnet = plan.find((p) => p.labels.network === 'ResNet18 1/8');
    expect(resnet?.config.model).toEqual({ architecture: 'resnet18', width: 0.125 });
    expect(resnet?.subset).toEqual({ train: 4000, test: 1000 });
    expect(resnet?.paper?.source).toBe('Table 1, MNIST / ResNet18');
    const dp = plan.find((p) => p.id === 'badnets-single/resnet18-w0.125/dp-sgd-mb16/seed0')!;
    expect(dp.config.defense).toBe('dp-sgd');
    expect(dp.config.baselines?.dpSgd).toEqual({ setting: 'light', microBatchSize: 16 });
    expect(dp.paper?.ba).toBe(TABLE_1['badnets-single|MNIST|ResNet18']!['dp-sgd']![0]);
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
  it('--seeds expands every cell over the seeds and leaves the default seed runs as they were', () => {
    for (const name of names) {
      const suite = SUITES[name]!;
      // A suite's plan without --seeds: the preset's seed 0, or seeds the suite sets itself.
      const plain = planSuite(suite, 'cpu').filter((r) => r.id.endsWith('/seed0'));
      const three = planSuite(suite, 'cpu', [0, 1, 2]);
      expect(three, name).toHaveLength(plain.length * 3);
      // Seed 0 (the preset's) keeps its ids and hashes: finished results stay valid.
      const seed0 = three.filter((r) => r.id.endsWith('/seed0'));
      expect(
        seed0.map((r) => [r.id, r.hash]),
        name,
      ).toEqual(plain.map((r) => [r.id, r.hash]));
      for (const r of three.filter((x) => x.id.endsWith('/seed2'))) {
        expect(r.config.seed, r.id).toBe(2);
        expect(r.labels.seed, r.id).toBe(2);
        const twin = seed0.find((x) => x.id === r.id.replace(/seed2$/, 'seed0'))!;
        expect(r.hash, r.id).not.toBe(twin.hash);
      }
      // A cell's seeds are adjacent in the plan (the report groups them in this order).
      const cells = three.map((r) => r.id.replace(/\/seed\d+$/, ''));
      expect(cells.filter((c, i) => c !== cells[i - 1]).length, name).toBe(plain.length);
    }
  });

  it('rejects empty, repeated and non-integer seeds, naming them', () => {
    const make = (seed: number) => ({
      id: 'x',
      labels: {},
      kind: 'experiment' as const,
      config: { seed },
    });
    expect(overSeeds('cpu', [4, 5], make).map((r) => r.id)).toEqual(['x/seed4', 'x/seed5']);
    expect(() => checkSeeds([])).toThrow(/at least one seed/);
    expect(() => checkSeeds([1, 1])).toThrow(/1 is given twice/);
    expect(() => checkSeeds([0.5])).toThrow(/got 0.5/);
    expect(() => checkSeeds([-1])).toThrow(/got -1/);
  });

  it('consensus-candidates: every setting with candidatesPerLayer 1 and 3 over its own three seeds', () => {
    const suite = SUITES['consensus-candidates']!;
    const plan = planSuite(suite, 'cpu');
    expect(plan).toHaveLength(8 * 2 * 3);
    const cells = new Map<string, typeof plan>();
    for (const run of plan) {
      const cell = run.id.replace(/\/candidates\d\/seed\d+$/, '');
      cells.set(cell, [...(cells.get(cell) ?? []), run]);
    }
    for (const [cell, runs] of cells) {
      // Within a setting the two arms differ in candidatesPerLayer alone.
      const strip = (r: (typeof runs)[number]) => {
        const { none, ...rest } = r.config;
        return { ...rest, none: { ...none, candidatesPerLayer: 0 } };
      };
      expect(
        runs.map((r) => [r.config.none?.candidatesPerLayer, r.config.seed]),
        cell,
      ).toEqual([
        [1, 0],
        [1, 1],
        [1, 2],
        [3, 0],
        [3, 1],
        [3, 2],
      ]);
      expect(strip(runs[0]!), cell).toEqual(strip(runs[3]!));
      expect(new Set(runs.map((r) => r.hash)).size, cell).toBe(6);
    }
    expect(plan.find((r) => r.id.startsWith('clean-mlp/'))!.config.attack).toBeNull();
    expect(plan.find((r) => r.id.startsWith('clean-mlp/'))!.config.model?.architecture).toBe('mlp');
    expect(planSuite(suite, 'smoke').map((r) => r.id)).toEqual([
      'badnets/candidates1/seed0',
      'badnets/candidates3/seed0',
    ]);
    expect(planSuite(suite, 'cpu', [4]).map((r) => r.config.seed)).toEqual(new Array(16).fill(4));
  });
});
