import { describe, expect, it } from 'vitest';
import { expectDataError } from './_test-helpers';
import { gaussianBlobs, pointsToImageDataset } from './gaussian-blobs';

describe('gaussianBlobs', () => {
  it('makes five balanced, interleaved classes by default', () => {
    const blobs = gaussianBlobs({ n: 12, seed: 0 });
    expect(blobs.shape).toEqual([12, 2]);
    expect(blobs.points.length).toBe(24);
    expect(blobs.numClasses).toBe(5);
    expect([...blobs.labels]).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]);
    expect(blobs.centers[0]![0]).toBeCloseTo(0.85, 10);
    expect(blobs.centers[0]![1]).toBeCloseTo(0.5, 10);
  });

  it('scatters each class around its centre with the requested spread', () => {
    const centers: [number, number][] = [
      [0, 0],
      [5, -5],
    ];
    const blobs = gaussianBlobs({ n: 4000, centers, std: 0.5, seed: 1 });
    for (let k = 0; k < 2; k++) {
      let sumX = 0;
      let sumY = 0;
      let sumSquares = 0;
      let count = 0;
      for (let i = 0; i < 4000; i++) {
        if (blobs.labels[i] !== k) continue;
        const x = blobs.points[2 * i]!;
        const y = blobs.points[2 * i + 1]!;
        sumX += x;
        sumY += y;
        sumSquares += (x - centers[k]![0]) ** 2 + (y - centers[k]![1]) ** 2;
        count++;
      }
      expect(sumX / count).toBeCloseTo(centers[k]![0], 1);
      expect(sumY / count).toBeCloseTo(centers[k]![1], 1);
      expect(Math.sqrt(sumSquares / (2 * count))).toBeCloseTo(0.5, 1);
    }
  });

  it('is deterministic for a seed', () => {
    expect(gaussianBlobs({ n: 50, seed: 3 }).points).toEqual(
      gaussianBlobs({ n: 50, seed: 3 }).points,
    );
    expect(gaussianBlobs({ n: 50, seed: 3 }).points).not.toEqual(
      gaussianBlobs({ n: 50, seed: 4 }).points,
    );
  });

  it('views points as [n, 1, 1, 2] images', () => {
    const blobs = gaussianBlobs({ n: 3, seed: 0 });
    const dataset = pointsToImageDataset(blobs);
    expect(dataset.shape).toEqual([3, 1, 1, 2]);
    expect(dataset.images).toEqual(blobs.points);
    expect(dataset.images).not.toBe(blobs.points);
  });

  it('rejects bad options', async () => {
    await expectDataError(() => gaussianBlobs({ n: 10 }), 'E_INVALID_ARGUMENT');
    await expectDataError(() => gaussianBlobs({ n: -1, seed: 0 }), 'E_INVALID_ARGUMENT');
    await expectDataError(() => gaussianBlobs({ std: -1, seed: 0 }), 'E_INVALID_ARGUMENT');
    await expectDataError(
      () => gaussianBlobs({ centers: [[0, 0]], numClasses: 2, seed: 0 }),
      'E_INVALID_ARGUMENT',
    );
  });
});
