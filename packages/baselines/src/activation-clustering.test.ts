import { createRandom } from '@none/stats';
import { describe, expect, it } from 'vitest';
import { activationClustering } from './activation-clustering';
import { BaselineError } from './errors';

const DIMENSIONS = 20;

/**
 * Class 0: 300 samples from N(0, I) and 40 planted ones from N(6 e1, I); classes 1 and 2:
 * 200 samples each from a unimodal Gaussian centred at 3 e_(c+1), with standard deviation
 * `spread` along e_(c+5) (a dominant direction, as clean activations have; 1: isotropic)
 * and 1 elsewhere. Classes are interleaved.
 */
function planted(seed: number, spread = 2.5) {
  const random = createRandom(seed);
  const rows: { label: number; poisoned: boolean }[] = [];
  for (let i = 0; i < 300; i++) rows.push({ label: 0, poisoned: false });
  for (let i = 0; i < 40; i++) rows.push({ label: 0, poisoned: true });
  for (let c = 1; c <= 2; c++)
    for (let i = 0; i < 200; i++) rows.push({ label: c, poisoned: false });
  random.shuffle(rows);
  const values = new Float32Array(rows.length * DIMENSIONS);
  const labels = new Int32Array(rows.length);
  const poisoned: number[] = [];
  rows.forEach((row, i) => {
    const c = row.label;
    labels[i] = c;
    if (row.poisoned) poisoned.push(i);
    for (let j = 0; j < DIMENSIONS; j++) {
      let value = random.normal();
      if (c === 0 && row.poisoned && j === 0) value += 6;
      if (c > 0 && j === c + 1) value += 3;
      if (c > 0 && j === c + 5) value *= spread;
      values[i * DIMENSIONS + j] = value;
    }
  });
  return { values, labels, poisoned: Int32Array.from(poisoned) };
}

describe('activationClustering', () => {
  it('removes a planted cluster exactly and flags nothing in unimodal classes', () => {
    const { values, labels, poisoned } = planted(1);
    const result = activationClustering(
      { values, neurons: DIMENSIONS, labels, numClasses: 3 },
      { seed: 0, silhouette: true },
    );
    expect(Array.from(result.flagged)).toEqual(Array.from(poisoned));
    expect(result.perClass.map((c) => c.flagged)).toEqual([true, false, false]);
    expect(result.perClass[0]!.sizes).toEqual([40, 300]);
    expect(result.perClass[0]!.relativeSize).toBeCloseTo(40 / 340, 12);
    for (const c of result.perClass.slice(1)) expect(c.relativeSize).toBeGreaterThan(0.35);
    // The planted split is well separated; the unimodal splits are not.
    expect(result.perClass[0]!.silhouette!).toBeGreaterThan(result.perClass[1]!.silhouette!);
  });

  it('is deterministic for a seed', () => {
    const { values, labels } = planted(2);
    const input = { values, neurons: DIMENSIONS, labels, numClasses: 3 };
    expect(activationClustering(input, { seed: 5 })).toEqual(
      activationClustering(input, { seed: 5 }),
    );
  });

  it('with a silhouette threshold, also spares isotropic unimodal classes', () => {
    const { values, labels, poisoned } = planted(1, 1);
    const input = { values, neurons: DIMENSIONS, labels, numClasses: 3 };
    const result = activationClustering(input, { seed: 0, silhouetteThreshold: 0.2 });
    expect(Array.from(result.flagged)).toEqual(Array.from(poisoned));
    for (const c of result.perClass.slice(1)) expect(c.silhouette!).toBeLessThan(0.2);
  });

  it('flags nothing when the silhouette threshold is out of reach', () => {
    const { values, labels } = planted(1);
    const result = activationClustering(
      { values, neurons: DIMENSIONS, labels, numClasses: 3 },
      { seed: 0, silhouetteThreshold: 0.99 },
    );
    expect(result.flagged).toHaveLength(0);
    expect(result.perClass[0]!.silhouette).toBeLessThan(0.99);
  });

  it('reports empty and single-sample classes without clustering them', () => {
    const result = activationClustering(
      {
        values: Float32Array.from([1, 2]),
        neurons: 2,
        labels: Int32Array.from([1]),
        numClasses: 3,
      },
      { seed: 0 },
    );
    expect(result.perClass.map((c) => c.count)).toEqual([0, 1, 0]);
    expect(result.flagged).toHaveLength(0);
  });

  it('names the argument, the expectation and the value in its errors', () => {
    const input = {
      values: new Float32Array(6),
      neurons: 2,
      labels: Int32Array.from([0, 1, 4]),
      numClasses: 3,
    };
    expect(() => activationClustering(input, { seed: 0 })).toThrow(
      /labels must lie in \[0, 3\), got 4 at 2/,
    );
    expect(() =>
      activationClustering({ ...input, values: new Float32Array(5) }, { seed: 0 }),
    ).toThrow(/values must hold labels.length \* neurons = 3 \* 2 numbers, got 5/);
    expect(() =>
      activationClustering(
        { ...input, labels: Int32Array.from([0, 1, 2]) },
        {
          seed: 0,
          sizeThreshold: 0.7,
        },
      ),
    ).toThrow(BaselineError);
  });
});
