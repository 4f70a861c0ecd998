import { elementAddress, type Func, forLoop, I32, madd, op, tiledBy4, V128 } from './_asm';

/**
 * `conv_fwd`: a direct NHWC convolution over an already padded input, as register-tiled
 * implicit GEMM (no im2col buffer). For every output row it computes tiles of 4 output pixels
 * x 8 output channels (then 2 and 1 pixels for the row's end); a tile's reduction runs over
 * the filter rows and, within a filter row, over the `FW·Ci` floats that the filter row
 * covers, which are contiguous both in the padded input row and in the filter
 * (`[FH, FW, Ci, Co]`). The filter block of a tile stays in L1; the 4 windows are read in
 * place.
 *
 * Params (byte pointers and byte strides): x, sxImg, sxOutRow (input bytes between output
 * rows: stride·rowBytes), sxPix (between output pixels: stride·Ci·4), sxTapRow (between
 * filter rows: rowBytes), w, swTapRow (filter bytes per filter row), co4 (Co·4), kLen
 * (FW·Ci), fh, y, syImg, syRow, nImg, oh, ow, n8 (output channels computed, a multiple of 8).
 */
export function convForward(fma: boolean): Func {
  const [x, sxImg, sxOutRow, sxPix, sxTapRow, w, swTapRow, co4, kLen, fh] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const [y, syImg, syRow, nImg, oh, ow, n8] = [10, 11, 12, 13, 14, 15, 16];
  const [img, row, px, j0, r, pa0, paEnd, pb, xRow, yRow, ow4, kBytes, pc] = [
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
  ];
  // pa1..pa3: the other windows of a 4-pixel tile.
  const pa = (k: number) => (k === 0 ? pa0 : 29 + k);
  const [vb0, vb1, va] = [33, 34, 35];
  const acc = (k: number, l: number) => 36 + k * 2 + l;

  const tile = (mr: number): number[] => {
    const zero: number[] = [];
    for (let k = 0; k < mr; k++)
      for (let l = 0; l < 2; l++) zero.push(...op.v128Zero, ...op.set(acc(k, l)));
    // The windows of this filter row: pa_k = xRow + (px + k)·sxPix + r·sxTapRow.
    const windows = [
      ...op.get(xRow),
      ...op.get(px),
      ...op.get(sxPix),
      ...op.mul,
      ...op.add,
      ...op.get(r),
      ...op.get(sxTapRow),
      ...op.mul,
      ...op.add,
      ...op.tee(pa0),
      ...op.get(kBytes),
      ...op.add,
      ...op.set(paEnd),
    ];
    for (let k = 1; k < mr; k++)
      windows.push(...op.get(pa(k - 1)), ...op.get(sxPix), ...op.add, ...op.set(pa(k)));
    windows.push(
      // pb = w + r·swTapRow + j0·4
      ...elementAddress(w, r, 0, swTapRow, j0),
      ...op.set(pb),
    );
    const step: number[] = [
      ...op.get(pb),
      ...op.v128Load(0),
      ...op.set(vb0),
      ...op.get(pb),
      ...op.v128Load(16),
      ...op.set(vb1),
    ];
    for (let k = 0; k < mr; k++) {
      step.push(...op.get(pa(k)), ...op.load32Splat(0), ...op.set(va));
      step.push(...madd(fma, acc(k, 0), va, vb0), ...op.set(acc(k, 0)));
      step.push(...madd(fma, acc(k, 1), va, vb1), ...op.set(acc(k, 1)));
    }
    for (let k = 0; k < mr; k++)
      step.push(...op.get(pa(k)), ...op.i32(4), ...op.add, ...op.set(pa(k)));
    step.push(...op.get(pb), ...op.get(co4), ...op.add, ...op.set(pb));
    const reduce = [
      ...windows,
      ...op.block,
      ...op.loop,
      ...op.get(pa0),
      ...op.get(paEnd),
      ...op.geU,
      ...op.brIf(1),
      ...step,
      ...op.br(0),
      ...op.end,
      ...op.end,
    ];
    const store: number[] = [];
    for (let k = 0; k < mr; k++) {
      // pc = yRow + (px + k)·co4 + j0·4
      store.push(
        ...elementAddress(yRow, px, k, co4, j0),
        ...op.tee(pc),
        ...op.get(acc(k, 0)),
        ...op.v128Store(0),
        ...op.get(pc),
        ...op.get(acc(k, 1)),
        ...op.v128Store(16),
      );
    }
    return forLoop(j0, op.i32(0), n8, op.i32(8), [
      ...zero,
      ...forLoop(r, op.i32(0), fh, op.i32(1), reduce),
      ...store,
    ]);
  };

  const rowBody = [
    // xRow = x + img·sxImg + row·sxOutRow ; yRow = y + img·syImg + row·syRow
    ...op.get(x),
    ...op.get(img),
    ...op.get(sxImg),
    ...op.mul,
    ...op.add,
    ...op.get(row),
    ...op.get(sxOutRow),
    ...op.mul,
    ...op.add,
    ...op.set(xRow),
    ...op.get(y),
    ...op.get(img),
    ...op.get(syImg),
    ...op.mul,
    ...op.add,
    ...op.get(row),
    ...op.get(syRow),
    ...op.mul,
    ...op.add,
    ...op.set(yRow),
    // 4-pixel tiles, then a 2-pixel and a 1-pixel tile for the row's last 1–3 pixels.
    ...tiledBy4(px, ow, ow4, tile),
  ];
  const body = [
    // kBytes = kLen·4
    ...op.get(kLen),
    ...op.i32(4),
    ...op.mul,
    ...op.set(kBytes),
    ...forLoop(img, op.i32(0), nImg, op.i32(1), forLoop(row, op.i32(0), oh, op.i32(1), rowBody)),
  ];
  return {
    name: 'conv_fwd',
    params: new Array(17).fill(I32),
    locals: [...new Array(16).fill(I32), ...new Array(3 + 8).fill(V128)],
    body,
  };
}
