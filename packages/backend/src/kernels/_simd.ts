/**
 * A small WebAssembly SIMD module, assembled here at run time, that works directly on the
 * wasm backend's heap (it imports that module's memory). It holds the kernels XNNPACK does
 * not offer in a usable form:
 *
 * - `gemm_atb`: C[i, j] += Σ_r A[r, i] · B[r, j] over rows r indexed by three nested strided
 *   loops. Filter gradients are sums over (image, row, column) of x-pixel ⊗ dy-pixel outer
 *   products; XNNPACK would first have to pack one of the two huge operands (it only
 *   multiplies by packed weights, ~4 ns per float here), which costs as much as the product.
 *   This kernel reads both operands in place: 4x8 register tiles, one image at a time.
 * - `col_sum`: column sums of a row-major matrix (bias gradients).
 * - `channel_*` / `same_*`: elementwise add, sub, mul with a per-channel vector or a same-shape tensor.
 * - `conv_fwd` (`_simd-conv.ts`): a direct convolution of a padded input.
 *
 * Multiply-adds are fused (relaxed SIMD) where the engine allows it (`_asm.ts`).
 *
 * All pointers and strides are byte offsets. Only the first `n8` (a multiple of 8) columns
 * of `gemm_atb` are computed; the caller finishes the rest.
 */

import {
  elementAddress,
  F32,
  type Func,
  forLoop,
  forPointer,
  I32,
  madd,
  maxI32,
  minI32,
  name,
  op,
  relaxedSimdAvailable,
  section,
  simd,
  tiledBy4,
  uleb,
  V128,
  vector,
  wasmModule,
} from './_asm';
import { convForward } from './_simd-conv';

// Minimal WebAssembly typings (the project's TypeScript lib has no DOM / wasm types).
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: unknown };
};

/**
 * Pooling gradients, channels in blocks of 4 (c % 4 == 0). For every window (b, oy, ox):
 * max: the gradient goes to the first position whose value equals the window's maximum
 * (the forward output), i.e. the first maximum, as on cpu; avg: `dy · scale` goes to every
 * position of the window inside the image. `dx` must be zeroed; overlapping windows add up.
 */
function poolGrad(kind: 'max' | 'avg' | 'max_tiling'): Func {
  // Params: x, y, dy, dx, n, h, w, c, oh, ow, fh, fw, sh, sw, pt, pl, scale(f32)
  const [x, y, dy, dx, n, h, w, c, oh, ow, fh, fw, sh, sw, pt, pl, scale] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
  ];
  const [b, oy, ox, r, q, ch, rStart, rEnd, qStart, qEnd, win, pos, t1, t2, rowB, pixB] = [
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
  ];
  const [vy, vg, vFound, , vEq] = [33, 34, 35, 36, 37];
  // win = byte offset of the window's (b, oy, ox) pixel in y/dy: ((b*oh + oy)*ow + ox)*c*4
  // max_tiling: windows tile the input exactly (each pixel in one window): store, no
  // zero-fill and no read-modify-write of dx.
  const perPosition =
    kind === 'max_tiling'
      ? [
          ...op.get(x),
          ...op.get(pos),
          ...op.add,
          ...op.get(ch),
          ...op.add,
          ...op.v128Load(0),
          ...op.get(vy),
          ...op.f32x4Eq,
          ...op.get(vFound),
          ...op.v128AndNot,
          ...op.set(vEq),
          ...op.get(dx),
          ...op.get(pos),
          ...op.add,
          ...op.get(ch),
          ...op.add,
          ...op.get(vEq),
          ...op.get(vg),
          ...op.v128And,
          ...op.v128Store(0),
          ...op.get(vFound),
          ...op.get(vEq),
          ...op.v128Or,
          ...op.set(vFound),
        ]
      : kind === 'max'
        ? [
            // vx = x[pos + ch]; vEq = (vx == vy) & ~found; dx[pos+ch] += vEq & vg; found |= vEq
            ...op.get(x),
            ...op.get(pos),
            ...op.add,
            ...op.get(ch),
            ...op.add,
            ...op.v128Load(0),
            ...op.get(vy),
            ...op.f32x4Eq,
            ...op.get(vFound),
            ...op.v128AndNot,
            ...op.set(vEq),
            ...op.get(dx),
            ...op.get(pos),
            ...op.add,
            ...op.get(ch),
            ...op.add,
            ...op.tee(t1),
            ...op.get(t1),
            ...op.v128Load(0),
            ...op.get(vEq),
            ...op.get(vg),
            ...op.v128And,
            ...op.f32x4Add,
            ...op.v128Store(0),
            ...op.get(vFound),
            ...op.get(vEq),
            ...op.v128Or,
            ...op.set(vFound),
          ]
        : [
            ...op.get(dx),
            ...op.get(pos),
            ...op.add,
            ...op.get(ch),
            ...op.add,
            ...op.tee(t1),
            ...op.get(t1),
            ...op.v128Load(0),
            ...op.get(vg),
            ...op.f32x4Add,
            ...op.v128Store(0),
          ];
  const perChannelBlock = [
    ...(kind !== 'avg'
      ? [
          ...op.get(y),
          ...op.get(win),
          ...op.add,
          ...op.get(ch),
          ...op.add,
          ...op.v128Load(0),
          ...op.set(vy),
          ...op.v128Zero,
          ...op.set(vFound),
          ...op.get(dy),
          ...op.get(win),
          ...op.add,
          ...op.get(ch),
          ...op.add,
          ...op.v128Load(0),
          ...op.set(vg),
        ]
      : [
          ...op.get(dy),
          ...op.get(win),
          ...op.add,
          ...op.get(ch),
          ...op.add,
          ...op.v128Load(0),
          ...op.get(scale),
          ...op.f32x4Splat,
          ...op.f32x4Mul,
          ...op.set(vg),
        ]),
    ...forLoop(r, op.get(rStart), rEnd, op.i32(1), [
      ...forLoop(q, op.get(qStart), qEnd, op.i32(1), [
        // pos = ((b*h + r)*w + q)*c*4
        ...op.get(b),
        ...op.get(h),
        ...op.mul,
        ...op.get(r),
        ...op.add,
        ...op.get(w),
        ...op.mul,
        ...op.get(q),
        ...op.add,
        ...op.get(pixB),
        ...op.mul,
        ...op.set(pos),
        ...perPosition,
      ]),
    ]),
  ];
  const body = [
    ...op.get(c),
    ...op.i32(4),
    ...op.mul,
    ...op.set(pixB),
    ...op.get(c),
    ...op.i32(4),
    ...op.mul,
    ...op.set(rowB),
    ...forLoop(b, op.i32(0), n, op.i32(1), [
      ...forLoop(oy, op.i32(0), oh, op.i32(1), [
        // rStart = max(0, oy*sh - pt); rEnd = min(h, oy*sh - pt + fh)
        ...maxI32(
          op.i32(0),
          [...op.get(oy), ...op.get(sh), ...op.mul, ...op.get(pt), ...op.sub],
          t1,
          t2,
        ),
        ...op.set(rStart),
        ...minI32(
          op.get(h),
          [
            ...op.get(oy),
            ...op.get(sh),
            ...op.mul,
            ...op.get(pt),
            ...op.sub,
            ...op.get(fh),
            ...op.add,
          ],
          t1,
          t2,
        ),
        ...op.set(rEnd),
        ...forLoop(ox, op.i32(0), ow, op.i32(1), [
          ...maxI32(
            op.i32(0),
            [...op.get(ox), ...op.get(sw), ...op.mul, ...op.get(pl), ...op.sub],
            t1,
            t2,
          ),
          ...op.set(qStart),
          ...minI32(
            op.get(w),
            [
              ...op.get(ox),
              ...op.get(sw),
              ...op.mul,
              ...op.get(pl),
              ...op.sub,
              ...op.get(fw),
              ...op.add,
            ],
            t1,
            t2,
          ),
          ...op.set(qEnd),
          ...op.get(b),
          ...op.get(oh),
          ...op.mul,
          ...op.get(oy),
          ...op.add,
          ...op.get(ow),
          ...op.mul,
          ...op.get(ox),
          ...op.add,
          ...op.get(pixB),
          ...op.mul,
          ...op.set(win),
          ...forLoop(ch, op.i32(0), rowB, op.i32(16), perChannelBlock),
        ]),
      ]),
    ]),
  ];
  return {
    name: `${kind}_pool_grad`,
    params: [...new Array(16).fill(I32), F32],
    locals: [...new Array(16).fill(I32), ...new Array(5).fill(V128)],
    body,
  };
}

function gemmAtb(fma: boolean): Func {
  // Params.
  const [a, sa0, sa1, sa2, b, sb0, sb1, sb2, n0, n1, n2, m, n8, c, ldc] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
  ];
  // i32 locals.
  // (locals 18, 19 and 24 are spare)
  const [r0, i0, j0, , , pa, pb, pbEnd, r1, , aRow, bRow, pc, iRows] = [
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
  ];
  // v128 locals.
  const vb0 = 29;
  const vb1 = 30;
  const vAk = 31;
  const acc = (k: number, l: number) => 32 + k * 2 + l;

  const tile = (mr: number): number[] => {
    const zero: number[] = [];
    for (let k = 0; k < mr; k++)
      for (let l = 0; l < 2; l++) zero.push(...op.v128Zero, ...op.set(acc(k, l)));
    const inner: number[] = [
      ...op.get(pb),
      ...op.v128Load(0),
      ...op.set(vb0),
      ...op.get(pb),
      ...op.v128Load(16),
      ...op.set(vb1),
    ];
    for (let k = 0; k < mr; k++) {
      inner.push(...op.get(pa), ...op.load32Splat(4 * k), ...op.set(vAk));
      for (let l = 0; l < 2; l++) {
        inner.push(...madd(fma, acc(k, l), vAk, l === 0 ? vb0 : vb1), ...op.set(acc(k, l)));
      }
    }
    inner.push(...op.get(pa), ...op.get(sa2), ...op.add, ...op.set(pa));
    // Rows r1 of the current image; within a row, r2 steps pb by sb2 until pbEnd.
    const rows = forLoop(r1, op.i32(0), n1, op.i32(1), [
      // pa = aRow + r1*sa1 ; pb = bRow + r1*sb1 ; pbEnd = pb + n2*sb2
      ...op.get(aRow),
      ...op.get(r1),
      ...op.get(sa1),
      ...op.mul,
      ...op.add,
      ...op.set(pa),
      ...op.get(bRow),
      ...op.get(r1),
      ...op.get(sb1),
      ...op.mul,
      ...op.add,
      ...op.tee(pb),
      ...op.get(n2),
      ...op.get(sb2),
      ...op.mul,
      ...op.add,
      ...op.set(pbEnd),
      ...forPointer(pb, op.get(pb), pbEnd, sb2, inner),
    ]);
    const store: number[] = [];
    for (let k = 0; k < mr; k++) {
      for (let l = 0; l < 2; l++) {
        // C[i0 + k, j0 + 4l] += acc
        store.push(
          ...elementAddress(c, i0, k, ldc, j0),
          ...op.tee(pc),
          ...op.get(pc),
          ...op.v128Load(16 * l),
          ...op.get(acc(k, l)),
          ...op.f32x4Add,
          ...op.v128Store(16 * l),
        );
      }
    }
    // aRow = a + r0*sa0 + i0*4 ; bRow = b + r0*sb0 + j0*4
    const setup = [
      ...elementAddress(a, r0, 0, sa0, i0),
      ...op.set(aRow),
      ...elementAddress(b, r0, 0, sb0, j0),
      ...op.set(bRow),
    ];
    return forLoop(j0, op.i32(0), n8, op.i32(8), [...zero, ...setup, ...rows, ...store]);
  };

  const body = forLoop(r0, op.i32(0), n0, op.i32(1), [
    // 4-row tiles, then a 2-row and a 1-row tile for the last 1–3 rows.
    ...tiledBy4(i0, m, iRows, tile),
  ]);
  return {
    name: 'gemm_atb',
    params: new Array(15).fill(I32),
    locals: [...new Array(14).fill(I32), ...new Array(3 + 8).fill(V128)],
    body,
  };
}

/**
 * `col_sums(x, rows, cols4, out, blockRows)`: one `col_sum` per block of `blockRows` rows,
 * block k into `out + k·cols4` (blocks bound float32 rounding growth; the caller adds them in
 * float64). Calls function 1 (`col_sum`).
 */
function colSums(): Func {
  const [x, rows, cols, out, blockRows] = [0, 1, 2, 3, 4];
  const [r0, count, t1, t2] = [5, 6, 7, 8];
  const body = forLoop(r0, op.i32(0), rows, op.get(blockRows), [
    // x + r0*cols*4, min(blockRows, rows - r0), cols, out + (r0 / blockRows)*cols*4
    ...op.get(x),
    ...op.get(r0),
    ...op.get(cols),
    ...op.mul,
    ...op.i32(4),
    ...op.mul,
    ...op.add,
    ...minI32(op.get(blockRows), [...op.get(rows), ...op.get(r0), ...op.sub], t1, t2),
    ...op.tee(count),
    ...op.get(cols),
    ...op.get(out),
    ...op.get(r0),
    ...op.get(blockRows),
    0x6e, // i32.div_u
    ...op.get(cols),
    ...op.mul,
    ...op.i32(4),
    ...op.mul,
    ...op.add,
    0x10,
    1, // call col_sum
  ]);
  return {
    name: 'col_sums',
    params: [I32, I32, I32, I32, I32],
    locals: new Array(4).fill(I32),
    body,
  };
}

function colSum(): Func {
  // col_sum(x, rows, cols4, out): out[j] += Σ_r x[r*cols4 + j] for j < cols4 (cols4 % 4 == 0).
  const [x, rows, cols, out] = [0, 1, 2, 3];
  const [p, pEnd, q, qEnd, rowBytes] = [4, 5, 6, 7, 8];
  const body = [
    ...op.get(cols),
    ...op.i32(4),
    ...op.mul,
    ...op.set(rowBytes),
    ...op.get(x),
    ...op.get(rows),
    ...op.get(rowBytes),
    ...op.mul,
    ...op.add,
    ...op.set(pEnd),
    ...forPointer(p, op.get(x), pEnd, rowBytes, [
      ...op.get(out),
      ...op.set(q),
      ...op.get(out),
      ...op.get(rowBytes),
      ...op.add,
      ...op.set(qEnd),
      ...op.block,
      ...op.loop,
      ...op.get(q),
      ...op.get(qEnd),
      ...op.geU,
      ...op.brIf(1),
      // out[q] += x[p + (q - out)]
      ...op.get(q),
      ...op.get(q),
      ...op.v128Load(0),
      ...op.get(p),
      ...op.get(q),
      ...op.get(out),
      ...op.sub,
      ...op.add,
      ...op.v128Load(0),
      ...op.f32x4Add,
      ...op.v128Store(0),
      ...op.get(q),
      ...op.i32(16),
      ...op.add,
      ...op.set(q),
      ...op.br(0),
      ...op.end,
      ...op.end,
    ]),
  ];
  return { name: 'col_sum', params: [I32, I32, I32, I32], locals: new Array(5).fill(I32), body };
}

type BinaryKind = 'add' | 'sub' | 'rsub' | 'mul';

const BINARY: Record<BinaryKind, number[]> = {
  add: simd(0xe4),
  sub: simd(0xe5),
  rsub: simd(0xe5),
  mul: simd(0xe6),
};

/**
 * `channel_<kind>(x, v, out, rows, cols4)`: out[r, j] = x[r, j] ∘ v[j] (rsub: v[j] − x[r, j]),
 * cols4 % 4 == 0 — the broadcast of a per-channel vector (bias, BatchNorm scale/shift).
 */
function channelOp(kind: BinaryKind): Func {
  const [x, vec, out, rows, cols] = [0, 1, 2, 3, 4];
  const [p, pEnd, q, qEnd, rowBytes, d] = [5, 6, 7, 8, 9, 10];
  const loadX = [
    ...op.get(p),
    ...op.get(q),
    ...op.get(vec),
    ...op.sub,
    ...op.add,
    ...op.v128Load(0),
  ];
  const loadV = [...op.get(q), ...op.v128Load(0)];
  const body = [
    ...op.get(cols),
    ...op.i32(4),
    ...op.mul,
    ...op.set(rowBytes),
    ...op.get(out),
    ...op.get(x),
    ...op.sub,
    ...op.set(d),
    ...op.get(x),
    ...op.get(rows),
    ...op.get(rowBytes),
    ...op.mul,
    ...op.add,
    ...op.set(pEnd),
    ...forPointer(p, op.get(x), pEnd, rowBytes, [
      ...op.get(vec),
      ...op.set(q),
      ...op.get(vec),
      ...op.get(rowBytes),
      ...op.add,
      ...op.set(qEnd),
      ...op.block,
      ...op.loop,
      ...op.get(q),
      ...op.get(qEnd),
      ...op.geU,
      ...op.brIf(1),
      // address out[p + d + (q - vec)]
      ...op.get(p),
      ...op.get(q),
      ...op.get(vec),
      ...op.sub,
      ...op.add,
      ...op.get(d),
      ...op.add,
      ...(kind === 'rsub' ? [...loadV, ...loadX] : [...loadX, ...loadV]),
      ...BINARY[kind],
      ...op.v128Store(0),
      ...op.get(q),
      ...op.i32(16),
      ...op.add,
      ...op.set(q),
      ...op.br(0),
      ...op.end,
      ...op.end,
    ]),
  ];
  return {
    name: `channel_${kind}`,
    params: [I32, I32, I32, I32, I32],
    locals: new Array(6).fill(I32),
    body,
  };
}

/** `same_<kind>(a, b, out, bytes)`: out[i] = a[i] ∘ b[i] over `bytes` (a multiple of 16). */
function sameOp(kind: BinaryKind): Func {
  const [a, b, out, bytes] = [0, 1, 2, 3];
  const [i] = [4];
  const body = forLoop(i, op.i32(0), bytes, op.i32(16), [
    ...op.get(out),
    ...op.get(i),
    ...op.add,
    ...op.get(a),
    ...op.get(i),
    ...op.add,
    ...op.v128Load(0),
    ...op.get(b),
    ...op.get(i),
    ...op.add,
    ...op.v128Load(0),
    ...BINARY[kind],
    ...op.v128Store(0),
  ]);
  return { name: `same_${kind}`, params: [I32, I32, I32, I32], locals: [I32], body };
}

/**
 * `relu(x, out, bytes)`: out = max(0, x) (`f32x4.max`: NaN stays NaN and −0 becomes +0, as
 * the cpu backend's `Math.max(0, x)`). `relu_grad(dy, x, out, bytes)`: out = x > 0 ? dy : 0, and NaN where x is NaN
 * (tfjs's `dy · step(x)`, except that it gives +0 where that product is −0).
 */
function reluOp(grad: boolean): Func {
  const [a, b, out, bytes] = grad ? [0, 1, 2, 3] : [0, -1, 1, 2];
  const i = grad ? 4 : 3;
  const x = grad ? b : a;
  const loadX = [...op.get(x), ...op.get(i), ...op.add, ...op.v128Load(0)];
  const value = grad
    ? [
        // (dy & (x > 0)) | (x & (x != x))
        ...op.get(a),
        ...op.get(i),
        ...op.add,
        ...op.v128Load(0),
        ...loadX,
        ...op.v128Zero,
        ...simd(0x44), // f32x4.gt
        ...op.v128And,
        ...loadX,
        ...loadX,
        ...loadX,
        ...simd(0x42), // f32x4.ne
        ...op.v128And,
        ...op.v128Or,
      ]
    : [...op.v128Zero, ...loadX, ...simd(0xe9)]; // f32x4.max
  const body = forLoop(i, op.i32(0), bytes, op.i32(16), [
    ...op.get(out),
    ...op.get(i),
    ...op.add,
    ...value,
    ...op.v128Store(0),
  ]);
  return {
    name: grad ? 'relu_grad' : 'relu',
    params: grad ? [I32, I32, I32, I32] : [I32, I32, I32],
    locals: [I32],
    body,
  };
}

/**
 * `pad_images(src, dst, nImg, rows, rowBytes, srcImgBytes, dstImgBytes, dstRowBytes, dstOffset)`:
 * zero-fills each destination image, then copies its `rows` source rows of `rowBytes` to
 * `dst + img·dstImgBytes + dstOffset + r·dstRowBytes` (bulk memory: `memory.fill`/`memory.copy`).
 */
function padImages(): Func {
  const [src, dst, nImg, rows, rowBytes, srcImg, dstImg, dstRow, dstOffset] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8,
  ];
  const [img, r, d, s] = [9, 10, 11, 12];
  const memoryFill = [0xfc, 0x0b, 0x00];
  const memoryCopy = [0xfc, 0x0a, 0x00, 0x00];
  const body = forLoop(img, op.i32(0), nImg, op.i32(1), [
    // d = dst + img·dstImg ; s = src + img·srcImg
    ...op.get(dst),
    ...op.get(img),
    ...op.get(dstImg),
    ...op.mul,
    ...op.add,
    ...op.tee(d),
    ...op.i32(0),
    ...op.get(dstImg),
    ...memoryFill,
    ...op.get(src),
    ...op.get(img),
    ...op.get(srcImg),
    ...op.mul,
    ...op.add,
    ...op.set(s),
    ...op.get(d),
    ...op.get(dstOffset),
    ...op.add,
    ...op.set(d),
    ...forLoop(r, op.i32(0), rows, op.i32(1), [
      ...op.get(d),
      ...op.get(s),
      ...op.get(rowBytes),
      ...memoryCopy,
      ...op.get(d),
      ...op.get(dstRow),
      ...op.add,
      ...op.set(d),
      ...op.get(s),
      ...op.get(rowBytes),
      ...op.add,
      ...op.set(s),
    ]),
  ]);
  return {
    name: 'pad_images',
    params: new Array(9).fill(I32),
    locals: new Array(4).fill(I32),
    body,
  };
}

/** Assembles the module; `shared` must match the imported memory. */
export type { WasmMemory };

export function assembleSimdModule(shared: boolean, fma = relaxedSimdAvailable()): Uint8Array {
  const funcs = [
    gemmAtb(fma),
    colSum(),
    colSums(),
    poolGrad('max'),
    poolGrad('avg'),
    poolGrad('max_tiling'),
    channelOp('add'),
    channelOp('sub'),
    channelOp('rsub'),
    channelOp('mul'),
    sameOp('add'),
    sameOp('sub'),
    sameOp('mul'),
    convForward(fma),
    reluOp(false),
    reluOp(true),
    padImages(),
  ];
  const types = funcs.map((f) => [0x60, ...vector(f.params.map((t) => [t])), 0]);
  const memoryLimits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = vector([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]]);
  const functions = vector(funcs.map((_, i) => uleb(i)));
  const exports = vector(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const bodies = funcs.map((f) => {
    const groups: number[][] = [];
    let k = 0;
    while (k < f.locals.length) {
      const type = f.locals[k] as number;
      let count = 0;
      while (k < f.locals.length && f.locals[k] === type) {
        count++;
        k++;
      }
      groups.push([...uleb(count), type]);
    }
    const content = [...vector(groups), ...f.body, ...op.end];
    return [...uleb(content.length), ...content];
  });
  return wasmModule(
    section(1, vector(types)),
    section(2, imports),
    section(3, functions),
    section(7, exports),
    section(10, vector(bodies)),
  );
}

/** The module's exports. */
export interface SimdKernels {
  gemm_atb(
    a: number,
    sa0: number,
    sa1: number,
    sa2: number,
    b: number,
    sb0: number,
    sb1: number,
    sb2: number,
    n0: number,
    n1: number,
    n2: number,
    m: number,
    n8: number,
    c: number,
    ldc: number,
  ): void;
  conv_fwd(...args: number[]): void;
  relu(x: number, out: number, bytes: number): void;
  pad_images(...args: number[]): void;
  relu_grad(dy: number, x: number, out: number, bytes: number): void;
  col_sum(x: number, rows: number, cols4: number, out: number): void;
  col_sums(x: number, rows: number, cols4: number, out: number, blockRows: number): void;
  channel_add(x: number, v: number, out: number, rows: number, cols4: number): void;
  channel_sub(x: number, v: number, out: number, rows: number, cols4: number): void;
  channel_rsub(x: number, v: number, out: number, rows: number, cols4: number): void;
  channel_mul(x: number, v: number, out: number, rows: number, cols4: number): void;
  same_add(a: number, b: number, out: number, bytes: number): void;
  same_sub(a: number, b: number, out: number, bytes: number): void;
  same_mul(a: number, b: number, out: number, bytes: number): void;
  max_pool_grad(...args: number[]): void;
  avg_pool_grad(...args: number[]): void;
  max_tiling_pool_grad(...args: number[]): void;
}

// On globalThis, created on first use: one instance per wasm heap, shared by every copy of
// this module.
const INSTANCES_KEY = Symbol.for('@none/backend.simd-instances');

function instances(): WeakMap<WasmMemory, SimdKernels | null> {
  const global = globalThis as Record<symbol, WeakMap<WasmMemory, SimdKernels | null> | undefined>;
  let map = global[INSTANCES_KEY];
  if (map === undefined) {
    map = new WeakMap();
    global[INSTANCES_KEY] = map;
  }
  return map;
}

/** The kernels bound to `memory`, or `null` where WebAssembly SIMD is unavailable. */
export function simdKernels(memory: WasmMemory | undefined): SimdKernels | null {
  if (memory === undefined) return null;
  let kernels = instances().get(memory);
  if (kernels === undefined) {
    try {
      const shared =
        typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const module = new WebAssembly.Module(assembleSimdModule(shared));
      kernels = new WebAssembly.Instance(module, { env: { memory } })
        .exports as unknown as SimdKernels;
    } catch {
      kernels = null;
    }
    instances().set(memory, kernels);
  }
  return kernels;
}
