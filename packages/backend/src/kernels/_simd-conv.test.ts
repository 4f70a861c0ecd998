import { describe, expect, it } from 'vitest';
import { relaxedSimdAvailable } from './_asm';
import { assembleSimdModule, type SimdKernels } from './_simd';

declare const WebAssembly: {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, i: Record<string, Record<string, unknown>>) => { exports: unknown };
};

/** x: [1, H, W, Ci] (already padded), w: [FH, FW, Ci, Co]; valid convolution, stride s, in float64. */
function reference(
  x: Float32Array,
  [h, wd, ci]: readonly [number, number, number],
  w: Float32Array,
  [fh, fw, co]: readonly [number, number, number],
  s: number,
): Float64Array {
  const oh = Math.floor((h - fh) / s) + 1;
  const ow = Math.floor((wd - fw) / s) + 1;
  const out = new Float64Array(oh * ow * co);
  for (let y = 0; y < oh; y++)
    for (let q = 0; q < ow; q++)
      for (let o = 0; o < co; o++) {
        let sum = 0;
        for (let r = 0; r < fh; r++)
          for (let t = 0; t < fw; t++)
            for (let c = 0; c < ci; c++)
              sum +=
                (x[((y * s + r) * wd + q * s + t) * ci + c] as number) *
                (w[((r * fw + t) * ci + c) * co + o] as number);
        out[(y * ow + q) * co + o] = sum;
      }
  return out;
}

describe('conv_fwd (direct SIMD convolution)', () => {
  /** Runs `conv_fwd` of a module assembled with or without FMA on three geometries. */
  const check = (fma: boolean) => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const kernels = new WebAssembly.Instance(
      new WebAssembly.Module(assembleSimdModule(false, fma)),
      {
        env: { memory },
      },
    ).exports as SimdKernels;
    const heap = new Float32Array(memory.buffer);
    for (const [h, wd, ci, fh, fw, co, s] of [
      [7, 9, 3, 3, 3, 16, 1],
      [9, 10, 5, 3, 2, 8, 2],
      [5, 7, 1, 5, 5, 24, 1],
    ] as const) {
      const x = Float32Array.from({ length: h * wd * ci }, (_, i) => Math.sin(i * 0.7));
      const w = Float32Array.from({ length: fh * fw * ci * co }, (_, i) => Math.cos(i * 1.3));
      const oh = Math.floor((h - fh) / s) + 1;
      const ow = Math.floor((wd - fw) / s) + 1;
      const [xp, wp, yp] = [0, x.length * 4, (x.length + w.length) * 4];
      heap.set(x, xp / 4);
      heap.set(w, wp / 4);
      const rowBytes = wd * ci * 4;
      kernels.conv_fwd(
        xp,
        h * rowBytes,
        s * rowBytes,
        s * ci * 4,
        rowBytes,
        wp,
        fw * ci * co * 4,
        co * 4,
        fw * ci,
        fh,
        yp,
        oh * ow * co * 4,
        ow * co * 4,
        1,
        oh,
        ow,
        co,
      );
      const expected = reference(x, [h, wd, ci], w, [fh, fw, co], s);
      const got = heap.subarray(yp / 4, yp / 4 + expected.length);
      let worst = 0;
      for (let i = 0; i < expected.length; i++)
        worst = Math.max(worst, Math.abs((got[i] as number) - (expected[i] as number)));
      // Sums of up to 75 products of values in [-1, 1]: float32 rounding stays below 1e-5.
      expect(worst).toBeLessThan(1e-5);
    }
  };

  it('multiply then add: matches a float64 reference on odd sizes and stride 2', () =>
    check(false));

  // Needs relaxed SIMD; on an engine without it the case is reported as skipped.
  it.skipIf(!relaxedSimdAvailable())(
    'fused multiply-add: matches a float64 reference on odd sizes and stride 2',
    () => check(true),
  );
});
