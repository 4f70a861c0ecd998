import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCpuAndWasm, randomArray, relativeError, wasmDataIds } from '../_test-utils';
import { initBackend } from '../init-backend';
import { parallelTuning } from './_parallel';

type Pad =
  | 'same'
  | 'valid'
  | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  fh: number;
  fw: number;
  stride: number | [number, number];
  pad: Pad;
}

const c = (
  n: number,
  h: number,
  w: number,
  ci: number,
  co: number,
  fh: number,
  fw: number,
  stride: ConvCase['stride'],
  pad: Pad,
): ConvCase => ({ n, h, w, ci, co, fh, fw, stride, pad });

/** Batch 1 and 128, 1x1 to 5x5 and non-square filters, stride 1/2/3, same/valid/explicit, odd sizes. */
const CASES: ConvCase[] = [
  c(1, 5, 5, 1, 1, 1, 1, 1, 'valid'),
  c(1, 7, 9, 3, 4, 3, 3, 1, 'same'),
  c(2, 8, 8, 2, 3, 3, 3, 2, 'same'),
  c(3, 9, 7, 3, 2, 5, 5, 2, 'valid'),
  c(1, 6, 6, 4, 5, 2, 2, 2, 'same'),
  c(2, 11, 10, 3, 4, 3, 5, 1, 'valid'),
  c(3, 13, 13, 2, 3, 5, 3, 2, 'same'),
  c(2, 14, 14, 8, 6, 1, 1, 2, 'valid'),
  c(2, 13, 13, 8, 6, 1, 1, 2, 'same'),
  c(2, 10, 11, 3, 3, 4, 4, 3, 'same'),
  c(2, 9, 9, 2, 3, 3, 3, [1, 2], 'same'),
  c(2, 8, 9, 2, 3, 3, 2, 1, [
    [0, 0],
    [1, 2],
    [0, 1],
    [0, 0],
  ]),
  c(2, 9, 9, 2, 3, 3, 3, 2, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]),
  c(2, 9, 9, 6, 12, 3, 3, 1, 'same'),
  c(3, 10, 10, 9, 20, 3, 3, 2, 'same'),
  c(2, 7, 7, 5, 16, 1, 1, 1, 'valid'),
  c(4, 8, 8, 16, 10, 5, 5, 1, 'same'),
  c(128, 12, 12, 3, 4, 3, 3, 1, 'same'),
  c(128, 9, 9, 2, 3, 5, 5, 2, 'valid'),
  c(128, 8, 8, 1, 8, 5, 5, 1, 'same'),
  c(3, 11, 9, 1, 16, 3, 3, 1, 'same'),
  c(2, 12, 12, 1, 24, 5, 3, 2, 'same'),
  c(2, 9, 10, 1, 10, 3, 4, 1, 'valid'),
  c(2, 9, 9, 3, 16, 3, 3, 1, 'same'),
  c(2, 9, 9, 6, 16, 5, 5, 1, 'same'),
  // Co a multiple of 8 (our Conv2D kernel; Ci a multiple of 8: our input-gradient path):
  // rows of 1–3 leftover pixels, strides 1 and 2, batch 1 to 32.
  c(1, 7, 9, 3, 8, 3, 3, 1, 'same'),
  c(2, 13, 11, 5, 16, 5, 3, 2, 'same'),
  c(8, 14, 14, 16, 32, 3, 3, 1, 'same'),
  c(32, 28, 28, 1, 16, 3, 3, 1, 'same'),
  c(3, 10, 7, 8, 24, 1, 1, 2, 'valid'),
  c(1, 6, 5, 2, 8, 5, 5, 1, 'valid'),
  c(2, 9, 10, 8, 8, 2, 4, 1, [
    [0, 0],
    [2, 1],
    [0, 3],
    [0, 0],
  ]),
];

function label(k: ConvCase): string {
  return `x[${k.n},${k.h},${k.w},${k.ci}] f[${k.fh},${k.fw},${k.ci},${k.co}] stride ${k.stride} pad ${JSON.stringify(k.pad)}`;
}

function dyShape(k: ConvCase): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(
    [k.n, k.h, k.w, k.ci],
    [k.fh, k.fw, k.ci, k.co],
    k.stride,
    1,
    k.pad,
  );
  return [k.n, info.outHeight, info.outWidth, k.co];
}

/** Bound on the relative error (see `relativeError`) of the convolution gradients. */
const CONV_BOUND = 1e-5;

describe('convolution kernels on wasm', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    // Two threads: the multi-threaded build and the SIMD helper threads are under test.
    await initBackend({ prefer: 'wasm', threads: 2 });
    // Split every call, however small, so that the helper-thread paths run.
    parallelTuning().minimumWorkPerThread = 1;
    parallelTuning().checkOutputs = true;
  });

  it.each(CASES.map((k) => [label(k), k] as const))('Conv2D matches cpu: %s', async (_, k) => {
    const xs = randomArray(k.n * k.h * k.w * k.ci, 9);
    const ws = randomArray(k.fh * k.fw * k.ci * k.co, 10);
    const { cpu, wasm, shapes } = await onCpuAndWasm(() =>
      tf.conv2d(
        tf.tensor4d(xs, [k.n, k.h, k.w, k.ci]),
        tf.tensor4d(ws, [k.fh, k.fw, k.ci, k.co]),
        k.stride,
        k.pad,
      ),
    );
    expect(shapes[0]).toEqual(dyShape(k));
    expect(relativeError(wasm[0] as Float32Array, cpu[0] as Float32Array)).toBeLessThan(CONV_BOUND);
  });

  it.each(CASES.map((k) => [label(k), k] as const))(
    'Conv2DBackpropFilter matches cpu: %s',
    async (_, k) => {
      const xs = randomArray(k.n * k.h * k.w * k.ci, 1);
      const dys = dyShape(k);
      const dy = randomArray(
        dys.reduce((p, q) => p * q),
        2,
      );
      const { cpu, wasm, shapes } = await onCpuAndWasm(
        () =>
          tf.engine().runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor4d(xs, [k.n, k.h, k.w, k.ci]), dy: tf.tensor4d(dy, dys) },
            {
              strides: k.stride,
              pad: k.pad,
              dataFormat: 'NHWC',
              filterShape: [k.fh, k.fw, k.ci, k.co],
            },
          ) as tf.Tensor,
      );
      expect(shapes[0]).toEqual([k.fh, k.fw, k.ci, k.co]);
      expect(relativeError(wasm[0] as Float32Array, cpu[0] as Float32Array)).toBeLessThan(
        CONV_BOUND,
      );
    },
  );

  it.each(CASES.map((k) => [label(k), k] as const))(
    'Conv2DBackpropInput matches cpu: %s',
    async (_, k) => {
      const ws = randomArray(k.fh * k.fw * k.ci * k.co, 3);
      const dys = dyShape(k);
      const dy = randomArray(
        dys.reduce((p, q) => p * q),
        4,
      );
      const { cpu, wasm, shapes } = await onCpuAndWasm(
        () =>
          tf.engine().runKernel(
            'Conv2DBackpropInput',
            { dy: tf.tensor4d(dy, dys), filter: tf.tensor4d(ws, [k.fh, k.fw, k.ci, k.co]) },
            {
              strides: k.stride,
              pad: k.pad,
              dataFormat: 'NHWC',
              inputShape: [k.n, k.h, k.w, k.ci],
            },
          ) as tf.Tensor,
      );
      expect(shapes[0]).toEqual([k.n, k.h, k.w, k.ci]);
      expect(relativeError(wasm[0] as Float32Array, cpu[0] as Float32Array)).toBeLessThan(
        CONV_BOUND,
      );
    },
  );

  it('gives bit-identical filter gradients on repeated runs with helper threads', async () => {
    // Single input channel: whole filter rows plus their border columns accumulate into the
    // same rows, which must stay on one thread (a race here once made results vary).
    const k = c(64, 12, 12, 1, 16, 3, 3, 1, 'same');
    const x = tf.tensor4d(randomArray(k.n * k.h * k.w, 7), [k.n, k.h, k.w, 1]);
    const dy = tf.tensor4d(randomArray(k.n * k.h * k.w * k.co, 8), [k.n, k.h, k.w, k.co]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, k.co] };
    const first = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
    const expected = Array.from(await first.data());
    for (let i = 0; i < 30; i++) {
      const again = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
      expect(Array.from(await again.data())).toEqual(expected);
      again.dispose();
    }
    tf.dispose([x, dy, first]);
  });

  it('conv2d gradients through tf.grads match cpu and leak nothing', async () => {
    const k = c(4, 10, 10, 3, 5, 3, 3, 2, 'same');
    const xs = randomArray(k.n * k.h * k.w * k.ci, 5);
    const ws = randomArray(k.fh * k.fw * k.ci * k.co, 6);
    const f = () => {
      const x = tf.tensor4d(xs, [k.n, k.h, k.w, k.ci]);
      const w = tf.tensor4d(ws, [k.fh, k.fw, k.ci, k.co]);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
      )([x, w]);
    };
    const { cpu, wasm } = await onCpuAndWasm(f);
    for (let i = 0; i < 2; i++) {
      expect(relativeError(wasm[i] as Float32Array, cpu[i] as Float32Array)).toBeLessThan(
        CONV_BOUND,
      );
    }
    const tensors = tf.memory().numTensors;
    const dataIds = wasmDataIds();
    tf.dispose(tf.tidy(f));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmDataIds()).toBe(dataIds);
  });
});
