import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { SeededDropout, setDropoutStep } from './seeded-dropout';

function masks(layer: SeededDropout, steps: number[]): number[][] {
  return steps.map((step) => {
    layer.step = step;
    return tf.tidy(() =>
      Array.from((layer.apply(tf.ones([64]), { training: true }) as tf.Tensor).dataSync()),
    );
  });
}

describe('SeededDropout', () => {
  it('draws a new mask each step, the same one for the same (seed, step)', () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 7 });
    const [a, b, again] = masks(layer, [0, 1, 0]);
    expect(a).not.toEqual(b);
    expect(again).toEqual(a);
    // Inverted dropout: kept units are scaled by 1 / (1 - rate).
    expect(new Set(a)).toEqual(new Set([0, 2]));
    const kept = a!.filter((v) => v > 0).length;
    expect(kept).toBeGreaterThan(16);
    expect(kept).toBeLessThan(48);
  });

  it('is the identity at inference', () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 7 });
    const out = tf.tidy(() => Array.from((layer.apply(tf.ones([8])) as tf.Tensor).dataSync()));
    expect(out).toEqual(new Array(8).fill(1));
  });

  it('is steered by setDropoutStep across a model', () => {
    const input = tfl.input({ shape: [16] });
    const layer = new SeededDropout({ rate: 0.3, seed: 1 });
    const model = tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
    setDropoutStep(model, 41);
    expect(layer.step).toBe(41);
    model.dispose();
  });
});
