/**
 * A tiny WebAssembly assembler: opcodes, LEB128, loops over i32 locals, module sections,
 * and the fused multiply-add of relaxed SIMD where the engine has it. The kernels in
 * `_simd.ts` and `_simd-conv.ts` are written with it.
 */
import v8 from 'node:v8';

// Minimal WebAssembly typings (the project's TypeScript lib has no DOM / wasm types).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
};

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const simd = (code: number, ...rest: number[]) => [0xfd, ...uleb(code), ...rest];
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  ltS: [0x48],
  geS: [0x4e],
  geU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  f32Add: [0x92],
  v128Load: (offset = 0) => simd(0x00, 2, ...uleb(offset)),
  v128Store: (offset = 0) => simd(0x0b, 2, ...uleb(offset)),
  load32Splat: (offset = 0) => simd(0x09, 2, ...uleb(offset)),
  v128Zero: simd(0x0c, ...new Array(16).fill(0)),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  f32x4Eq: simd(0x41),
  f32x4Splat: simd(0x13),
  v128And: simd(0x4e),
  v128AndNot: simd(0x4f),
  v128Or: simd(0x50),
  select: [0x1b],
  gtS: [0x4a],
  ltS2: [0x48],
};

/** Emits `max(a, b)` of two i32 expressions (each evaluated once into scratch locals). */
export function maxI32(a: number[], b: number[], t1: number, t2: number): number[] {
  return pickI32(a, b, t1, t2, op.gtS);
}

/** Emits `min(a, b)` of two i32 expressions (each evaluated once into scratch locals). */
export function minI32(a: number[], b: number[], t1: number, t2: number): number[] {
  return pickI32(a, b, t1, t2, op.ltS2);
}

/** `a` when `compare(a, b)` holds, else `b`, through `select`. */
function pickI32(a: number[], b: number[], t1: number, t2: number, compare: number[]): number[] {
  return [
    ...a,
    ...op.tee(t1),
    ...b,
    ...op.tee(t2),
    ...op.get(t1),
    ...op.get(t2),
    ...compare,
    ...op.select,
  ];
}

/** Emits `for (v = from; v < to; v += step) body` with i32 locals (`to` is a local index). */
export function forLoop(
  v: number,
  from: number[],
  to: number,
  step: number[],
  body: number[],
): number[] {
  return [
    ...from,
    ...op.set(v),
    ...op.block,
    ...op.loop,
    ...op.get(v),
    ...op.get(to),
    ...op.geS,
    ...op.brIf(1),
    ...body,
    ...op.get(v),
    ...step,
    ...op.add,
    ...op.set(v),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** Emits `for (p = from; p < end; p += stride) body` over byte pointers (unsigned compare). */
export function forPointer(
  p: number,
  from: number[],
  end: number,
  stride: number,
  body: number[],
): number[] {
  return [
    ...from,
    ...op.set(p),
    ...op.block,
    ...op.loop,
    ...op.get(p),
    ...op.get(end),
    ...op.geU,
    ...op.brIf(1),
    ...body,
    ...op.get(p),
    ...op.get(stride),
    ...op.add,
    ...op.set(p),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

export interface Func {
  params: number[];
  locals: number[];
  body: number[];
  name: string;
}

/**
 * Emits `for (v = 0; v < end4; v += 4) tile(4)`, then `tile(2)` and `tile(1)` for the last
 * 1–3 items, where `end4 = end − end % 4` is computed into the local `end4` first (`end`,
 * `end4` and `v` are i32 local indices).
 */
export function tiledBy4(
  v: number,
  end: number,
  end4: number,
  tile: (size: number) => number[],
): number[] {
  const rest = (size: number, advance: boolean) => [
    ...op.get(end),
    ...op.get(v),
    ...op.sub,
    ...op.i32(size),
    ...op.geS,
    0x04,
    0x40, // if
    ...tile(size),
    ...(advance ? [...op.get(v), ...op.i32(size), ...op.add, ...op.set(v)] : []),
    ...op.end,
  ];
  return [
    ...op.get(end),
    ...op.get(end),
    ...op.i32(3),
    0x71, // i32.and
    ...op.sub,
    ...op.set(end4),
    ...forLoop(v, op.i32(0), end4, op.i32(4), tile(4)),
    ...op.get(end4),
    ...op.set(v),
    ...rest(2, true),
    ...rest(1, false),
  ];
}

/**
 * `base + (i + k)·stride + j·4` with i32 locals `base`, `i`, `stride`, `j` and a constant
 * `k` (0 adds nothing): the byte address of row i + k, column j of a row-major float32 matrix.
 */
export function elementAddress(
  base: number,
  i: number,
  k: number,
  stride: number,
  j: number,
): number[] {
  return [
    ...op.get(base),
    ...op.get(i),
    ...(k === 0 ? [] : [...op.i32(k), ...op.add]),
    ...op.get(stride),
    ...op.mul,
    ...op.add,
    ...op.get(j),
    ...op.i32(4),
    ...op.mul,
    ...op.add,
  ];
}

/** A module's bytes: the magic number and version, then the given sections. */
export function wasmModule(...sections: number[][]): Uint8Array {
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}

export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

export function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/**
 * `acc + a · b` on f32x4 locals: relaxed SIMD's `f32x4.relaxed_madd` (one fused
 * multiply-add where the CPU has FMA) when `fma`, else a multiply then an add.
 */
export function madd(fma: boolean, acc: number, a: number, b: number): number[] {
  return fma
    ? [...op.get(a), ...op.get(b), ...op.get(acc), ...simd(0x105)]
    : [...op.get(acc), ...op.get(a), ...op.get(b), ...op.f32x4Mul, ...op.f32x4Add];
}

function compiles(bytes: Uint8Array): boolean {
  try {
    new WebAssembly.Module(bytes);
    return true;
  } catch {
    return false;
  }
}

let relaxed: boolean | undefined;

/**
 * Whether our kernels may use relaxed SIMD's fused multiply-add. Node 22+ has relaxed SIMD
 * on; Node 20 (V8 11.3) has it behind `--experimental-wasm-relaxed-simd`, which is turned on
 * here at run time (it only adds instructions to the validator; modules already compiled
 * are unaffected). `NONE_WASM_FMA=0` turns it off (a multiply then an add; results then
 * differ in the last bit of some sums).
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxed !== undefined) return relaxed;
  if (process.env.NONE_WASM_FMA === '0') {
    relaxed = false;
    return relaxed;
  }
  const probe = relaxedProbe();
  relaxed = compiles(probe);
  if (!relaxed) {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      // Not a V8 flag of this engine: stay without relaxed SIMD.
    }
    relaxed = compiles(probe);
  }
  return relaxed;
}

/** `(func (v128.store (i32.const 0) (f32x4.relaxed_madd zero zero zero)))` with a 1-page memory. */
function relaxedProbe(): Uint8Array {
  const zero = op.v128Zero;
  const body = [
    0x00,
    ...op.i32(0),
    ...zero,
    ...zero,
    ...zero,
    ...simd(0x105),
    ...op.v128Store(0),
    ...op.end,
  ];
  return wasmModule(
    section(1, vector([[0x60, 0x00, 0x00]])),
    section(3, vector([[0x00]])),
    section(5, vector([[0x00, 0x01]])),
    section(10, vector([[...uleb(body.length), ...body]])),
  );
}
