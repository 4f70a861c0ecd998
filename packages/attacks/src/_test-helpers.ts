import { createRandom } from '@none/stats';
import type { ImageDataset } from './types';

/** A random float32 dataset (values in [0, 1], labels `i mod K` shuffled), for tests. */
export function randomDataset(
  n: number,
  height: number,
  width: number,
  channels: number,
  numClasses = 10,
  seed = 123,
): ImageDataset<Float32Array> {
  const random = createRandom(seed);
  const images = new Float32Array(n * height * width * channels);
  for (let i = 0; i < images.length; i++) images[i] = Math.round(random.next() * 255) / 255;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = random.int(numClasses);
  return { images, shape: [n, height, width, channels], labels, numClasses };
}

/** The same dataset stored as uint8 (values are multiples of 1/255, so the copy is exact). */
export function toUint8(dataset: ImageDataset<Float32Array>): ImageDataset<Uint8Array> {
  return {
    ...dataset,
    images: Uint8Array.from(dataset.images, (v) => Math.round(v * 255)),
    labels: dataset.labels.slice(),
    shape: [...dataset.shape],
  };
}

/** A deep copy, to check that inputs are not mutated. */
export function cloneDataset<T extends ImageDataset>(dataset: T): T {
  return {
    ...dataset,
    images: dataset.images.slice(),
    labels: dataset.labels.slice(),
    shape: [...dataset.shape],
  };
}

/**
 * Checks Eq. 1 on every image of a float32 batch: entries with `m = 0` unchanged (exactly),
 * entries with `m = 1` equal to the pattern, others equal to `(1 - m) x + m t`.
 * Returns the number of entries checked with `m > 0`.
 */
export function checkEq1(
  clean: Float32Array,
  triggered: Float32Array,
  mask: Float32Array,
  pattern: Float32Array,
): { outside: number; inside: number; failures: string[] } {
  const size = mask.length;
  const failures: string[] = [];
  let outside = 0;
  let inside = 0;
  for (let i = 0; i < clean.length; i++) {
    const m = mask[i % size]!;
    const t = pattern[i % size]!;
    const x = clean[i]!;
    const got = triggered[i]!;
    if (m === 0) {
      outside++;
      if (got !== x) failures.push(`[${i}] outside mask: expected ${x}, got ${got}`);
    } else {
      inside++;
      const expected = Math.fround(m === 1 ? t : (1 - m) * x + m * t);
      if (Math.abs(got - expected) > 1e-6) {
        failures.push(`[${i}] inside mask (m=${m}): expected ${expected}, got ${got}`);
      }
    }
  }
  return { outside, inside, failures };
}

/** Largest |a[i] / 255 - b[i]| between a uint8 and a float32 result. */
export function maxUint8Gap(a: Uint8Array, b: Float32Array): number {
  let gap = 0;
  for (let i = 0; i < a.length; i++) gap = Math.max(gap, Math.abs(a[i]! / 255 - b[i]!));
  return gap;
}
