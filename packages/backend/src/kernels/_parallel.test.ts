import { describe, expect, it } from 'vitest';
import { SimdPool, splitRange } from './_parallel';
import { simdKernels, type WasmMemory } from './_simd';

declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
};

describe('splitRange', () => {
  it('covers [0, total) with aligned, ordered, possibly empty ranges', () => {
    expect(splitRange(10, 2)).toEqual([
      [0, 5],
      [5, 10],
    ]);
    expect(splitRange(48, 2, 4)).toEqual([
      [0, 24],
      [24, 48],
    ]);
    expect(splitRange(5, 3, 4)).toEqual([
      [0, 0],
      [0, 4],
      [4, 5],
    ]);
    expect(splitRange(0, 2)).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});

describe('SimdPool', () => {
  it('splits work over a helper thread sharing the heap and gets the same result', () => {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024, shared: true });
    const kernels = simdKernels(memory);
    expect(kernels).not.toBeNull();
    const pool = new SimdPool(kernels as NonNullable<typeof kernels>, memory, 2);
    expect(pool.threads).toBe(2);
    const f = new Float32Array(memory.buffer);
    const n = 4096;
    for (let i = 0; i < 2 * n; i++) f[i] = Math.sin(i);
    const [a, b, out] = [0, n * 4, 2 * n * 4];
    for (let round = 0; round < 50; round++) {
      f.fill(0, 2 * n, 3 * n);
      pool.run(
        splitRange(n / 4, 2).map(([i0, i1]) => [
          {
            fn: 'same_mul' as const,
            args: [a + i0 * 16, b + i0 * 16, out + i0 * 16, (i1 - i0) * 16],
          },
        ]),
      );
      for (let i = 0; i < n; i += 97)
        expect(f[2 * n + i]).toBe(Math.fround((f[i] as number) * (f[n + i] as number)));
    }
  });

  it('runs everything on this thread when the heap is not shared', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernels = simdKernels(memory);
    const pool = new SimdPool(kernels as NonNullable<typeof kernels>, memory, 4);
    expect(pool.threads).toBe(1);
    const f = new Float32Array(memory.buffer);
    f.set([1, 2, 3, 4, 10, 20, 30, 40]);
    pool.run([[{ fn: 'same_add', args: [0, 16, 32, 16] }], [], []]);
    expect(Array.from(f.subarray(8, 12))).toEqual([11, 22, 33, 44]);
  });
});
