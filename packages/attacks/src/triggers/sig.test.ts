import { describe, expect, it } from 'vitest';
import { cloneDataset, maxUint8Gap, randomDataset, toUint8 } from '../_test-helpers';
import { applySig, createSigSignal, SIG_DEFAULTS } from './sig';

describe('createSigSignal', () => {
  it('is Δ sin(2π j f / W), constant along rows', () => {
    expect(SIG_DEFAULTS).toEqual({ delta: 20 / 255, frequency: 6 });
    const v = createSigSignal({ height: 3, width: 24, channels: 1 });
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 24; j++) {
        expect(v[i * 24 + j]).toBe(Math.fround((20 / 255) * Math.sin((2 * Math.PI * j * 6) / 24)));
      }
    }
    // j = 1 of 24 with f = 6 is a quarter period: the peak
    expect(v[1]).toBeCloseTo(20 / 255, 6);
  });
});

describe('applySig', () => {
  it("matches x' = clip(x + Δ sin(2π j f / W), 0, 1) on every pixel and channel", () => {
    const [n, h, w, c] = [3, 5, 9, 3];
    const ds = randomDataset(n, h, w, c);
    const copy = cloneDataset(ds);
    const delta = 0.3;
    const frequency = 2.5;
    const out = applySig(ds, { delta, frequency });
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < h; r++) {
        for (let j = 0; j < w; j++) {
          for (let k = 0; k < c; k++) {
            const idx = ((i * h + r) * w + j) * c + k;
            const expected = Math.min(
              1,
              Math.max(0, ds.images[idx]! + delta * Math.sin((2 * Math.PI * j * frequency) / w)),
            );
            expect(out.images[idx]).toBe(Math.fround(expected));
          }
        }
      }
    }
    expect(ds).toEqual(copy);
  });

  it('changes every column but the zero crossings, and is the identity at Δ = 0', () => {
    const ds = randomDataset(1, 2, 12, 1);
    const mid = {
      images: new Float32Array(24).fill(0.5),
      shape: [1, 2, 12, 1] as [number, number, number, number],
    };
    const out = applySig(mid, { frequency: 1 });
    expect(out.images[0]).toBe(0.5);
    expect(out.images[3]).toBeCloseTo(0.5 + 20 / 255, 6);
    expect(out.images[9]).toBeCloseTo(0.5 - 20 / 255, 6);
    expect(applySig(ds, { delta: 0 }).images).toEqual(ds.images);
  });

  it('has uint8 and float32 parity', () => {
    const ds = randomDataset(3, 8, 8, 3);
    const out8 = applySig(toUint8(ds));
    const out32 = applySig(ds);
    expect(maxUint8Gap(out8.images, out32.images)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });

  it('rejects a frequency that samples only the zeros of the sinusoid', () => {
    expect(() => applySig(randomDataset(1, 2, 12, 1), { frequency: 6 })).toThrow(
      'applySig: frequency 6 on width 12 samples the sinusoid only at its zeros',
    );
    expect(() => applySig(randomDataset(1, 2, 12, 1), { frequency: 0 })).toThrow(
      'applySig: frequency 0 on width 12',
    );
  });

  it('rejects a negative frequency', () => {
    expect(() => applySig(randomDataset(1, 2, 2, 1), { frequency: -1 })).toThrow(
      'applySig: frequency must be a number in [0, 9007199254740991], got -1',
    );
  });
});
