import { describe, expect, it } from 'vitest';
import { AttackError } from '../errors';
import { applyMaskedTrigger, type MaskedTrigger } from '../masked-trigger';
import { createBadNetsTrigger } from '../triggers/badnets';
import type { ImageDataset } from '../types';
import { poisonClientDataset } from './poison-client-dataset';
import { splitTriggerForClients } from './split-trigger-for-clients';

const size = { height: 12, width: 12, channels: 1 };

/** DBA's global trigger: four 1x4 bars, two rows of two, gaps of 1 pixel. */
function fourBars(): MaskedTrigger {
  const mask = new Float32Array(144);
  const pattern = new Float32Array(144);
  for (const [row, col] of [
    [1, 1],
    [1, 6],
    [3, 1],
    [3, 6],
  ] as const) {
    for (let k = 0; k < 4; k++) {
      mask[row * 12 + col + k] = 1;
      pattern[row * 12 + col + k] = 1;
    }
  }
  return { ...size, mask, pattern };
}

function clientData(n: number): ImageDataset<Float32Array> {
  return {
    images: Float32Array.from({ length: n * 144 }, (_, i) => (i % 7) / 7),
    shape: [n, 12, 12, 1],
    labels: Int32Array.from({ length: n }, (_, i) => i % 10),
    numClasses: 10,
  };
}

describe('splitTriggerForClients', () => {
  it('gives one local trigger per bar of a four-bar global trigger', () => {
    const global = fourBars();
    const locals = splitTriggerForClients(global, 4);
    expect(locals).toHaveLength(4);
    for (const local of locals) expect(local.mask.reduce((s, v) => s + v, 0)).toBe(4);
    expect(Array.from(locals[0]!.mask.subarray(13, 17))).toEqual([1, 1, 1, 1]);
  });

  it('partitions a solid patch into a grid, and the pieces reassemble the global trigger', () => {
    const global = createBadNetsTrigger(size, { size: 4, position: 'top-left', margin: 2 });
    const locals = splitTriggerForClients(global, 4);
    const covered = new Float32Array(144);
    for (const local of locals) {
      expect(local.mask.reduce((s, v) => s + v, 0)).toBe(4); // 2x2 quarters
      for (let i = 0; i < 144; i++) covered[i]! += local.mask[i]!;
    }
    expect(covered).toEqual(global.mask);
    const images = clientData(3);
    let stamped = { images: images.images, shape: images.shape };
    for (const local of locals) stamped = applyMaskedTrigger(stamped, local);
    expect(stamped.images).toEqual(applyMaskedTrigger(images, global).images);
    expect(splitTriggerForClients(global, 2).map((t) => t.mask.reduce((s, v) => s + v, 0))).toEqual(
      [8, 8],
    );
  });

  it('does not modify the trigger and throws AttackError with clear messages', () => {
    const global = fourBars();
    const copy = global.mask.slice();
    splitTriggerForClients(global, 2, { split: 'grid' });
    expect(global.mask).toEqual(copy);
    expect(() => splitTriggerForClients(global, 3, { split: 'components' })).toThrow(
      /needs as many connected patches as parts \(3\), the mask has 4/,
    );
    expect(() => splitTriggerForClients(createBadNetsTrigger(size, { size: 1 }), 2)).toThrow(
      /part 1 of 2 holds no trigger pixel/,
    );
    expect(() => splitTriggerForClients(global, 0)).toThrow(
      /parts must be an integer in \[1, 144\], got 0/,
    );
    try {
      splitTriggerForClients({ ...global, mask: new Float32Array(144) }, 2);
    } catch (error) {
      expect(AttackError.isInstance(error)).toBe(true);
      expect(String(error)).toMatch(/all zero/);
    }
  });
});

describe('poisonClientDataset', () => {
  it('stamps the local trigger on round(rate * n) non-target samples and relabels them', () => {
    const data = clientData(100);
    const copy = data.images.slice();
    const [local] = splitTriggerForClients(fourBars(), 4);
    const result = poisonClientDataset(data, local!, { target: 0, rate: 0.2, seed: 5 });
    expect(data.images).toEqual(copy);
    expect(result.poisonedIndices.length).toBe(20);
    const poisoned = new Set(result.poisonedIndices);
    for (let i = 0; i < 100; i++) {
      const image = result.dataset.images.subarray(i * 144, (i + 1) * 144);
      if (poisoned.has(i)) {
        expect(data.labels[i]).not.toBe(0);
        expect(result.dataset.labels[i]).toBe(0);
        expect(Array.from(image.subarray(13, 17))).toEqual([1, 1, 1, 1]);
        expect(image[18]).toBe(data.images[i * 144 + 18]);
      } else {
        expect(result.dataset.labels[i]).toBe(data.labels[i]);
        expect(image).toEqual(data.images.subarray(i * 144, (i + 1) * 144));
      }
    }
    expect(result.manifest.counts).toEqual({ total: 100, eligible: 90, poisoned: 20 });
    expect(result.manifest.triggerPixels).toBe(4);
    const again = poisonClientDataset(data, local!, { target: 0, rate: 0.2, seed: 5 });
    expect(again.manifest.sha256).toEqual(result.manifest.sha256);
    const other = poisonClientDataset(data, local!, { target: 0, rate: 0.2, seed: 6 });
    expect(other.poisonedIndices).not.toEqual(result.poisonedIndices);
  });

  it('throws AttackError for bad options', () => {
    const data = clientData(10);
    const [local] = splitTriggerForClients(fourBars(), 4);
    expect(() => poisonClientDataset(data, local!, { target: 0, rate: 0.95, seed: 0 })).toThrow(
      /only 9 are not of class 0/,
    );
    expect(() => poisonClientDataset(data, local!, { target: 10, rate: 0.1, seed: 0 })).toThrow(
      /target must be an integer in \[0, 9\], got 10/,
    );
    expect(() =>
      poisonClientDataset(data, createBadNetsTrigger({ height: 28, width: 28, channels: 1 }), {
        target: 0,
        rate: 0.1,
        seed: 0,
      }),
    ).toThrow(/trigger is 28x28x1, images are 12x12x1/);
  });
});
