import { Worker } from 'node:worker_threads';
import { BackendError } from '../errors';
import { assembleSimdModule, type SimdKernels, type WasmMemory } from './_simd';

/**
 * Runs our SIMD kernels on several threads when the wasm heap is shared (the
 * multi-threaded build): helper worker_threads instantiate the same SIMD module on the same
 * memory and take their share of each call's tasks. Hand-off is one Atomics.notify/wait
 * pair per call. With a private heap (single-threaded build) everything runs here.
 */

/** One kernel call: export name and arguments. */
export interface SimdTask {
  fn: keyof SimdKernels;
  args: number[];
  /**
   * Calls to run after this one on the same thread, in order: calls that accumulate into
   * the same output must be one task (two threads must never read-modify-write it at once).
   */
  followedBy?: { fn: keyof SimdKernels; args: number[] }[];
}

function callsOf(t: SimdTask): { fn: keyof SimdKernels; args: number[] }[] {
  return t.followedBy === undefined ? [t] : [t, ...t.followedBy];
}

const FUNCTIONS: (keyof SimdKernels)[] = [
  'gemm_atb',
  'col_sum',
  'col_sums',
  'max_pool_grad',
  'avg_pool_grad',
  'max_tiling_pool_grad',
  'channel_add',
  'channel_sub',
  'channel_rsub',
  'channel_mul',
  'same_add',
  'same_sub',
  'same_mul',
  'conv_fwd',
  'relu',
  'relu_grad',
  'pad_images',
];
const CONTROL_BYTES = 64 * 1024;
/** Polls of a control word before a thread sleeps on it (about 20–50 µs). */
const SPIN_ITERATIONS = Number(process.env.NONE_POOL_SPIN ?? 20000);
const MAX_ARGS = (CONTROL_BYTES - 64) / 8;

// Control words (one block shared by all helpers): [0] posted sequence number (helpers
// wait on it), [1] task count, [2] next task: sequence << 16 | index, claimed with
// compareExchange so that a helper waking late cannot take a task of a newer call, [3]
// tasks finished, [4] error flag. The argument area starts with one offset per task.
// Tasks are handed out one at a time to whichever thread asks first (this one included),
// so a helper whose core is busy with another process simply takes fewer tasks.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { memory, bytes, control, functions, spin: SPIN } = workerData;
const kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
const ctl = new Int32Array(control, 0, 16);
const args = new Float64Array(control, 64);
let seen = 0;
for (;;) {
  // Spin briefly before sleeping: the next call of a training step usually comes within
  // tens of microseconds, sooner than a futex wake-up.
  for (let spin = 0; spin < SPIN && Atomics.load(ctl, 0) === seen; spin++);
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  for (;;) {
    const v = Atomics.load(ctl, 2);
    if (v >>> 16 !== seen) break;
    const i = v & 0xffff;
    const count = Atomics.load(ctl, 1);
    if (i >= count) break;
    if (Atomics.compareExchange(ctl, 2, v, v + 1) !== v) continue;
    try {
      let p = args[i];
      const calls = args[p++];
      for (let c = 0; c < calls; c++) {
        const fn = functions[args[p++]];
        const argc = args[p++];
        const a = new Array(argc);
        for (let k = 0; k < argc; k++) a[k] = args[p++];
        kernels[fn](...a);
      }
    } catch (error) {
      Atomics.store(ctl, 4, 1);
    }
    if (Atomics.add(ctl, 3, 1) + 1 === count) Atomics.notify(ctl, 3);
  }
}
parentPort.close();
`;

/** Threads for our SIMD kernels: this one plus helper worker_threads sharing the heap. */
export class SimdPool {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly ctl: Int32Array | undefined;
  private readonly args: Float64Array | undefined;
  private seq = 0;

  constructor(
    private readonly kernels: SimdKernels,
    memory: WasmMemory,
    threads: number,
  ) {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const helpers = shared ? Math.max(0, threads - 1) : 0;
    if (helpers > 0) {
      const bytes = assembleSimdModule(true);
      const control = new SharedArrayBuffer(CONTROL_BYTES);
      this.ctl = new Int32Array(control, 0, 16);
      this.args = new Float64Array(control, 64);
      for (let i = 0; i < helpers; i++) {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { memory, bytes, control, functions: FUNCTIONS, spin: SPIN_ITERATIONS },
        });
        worker.unref();
        this.workers.push(worker);
      }
    }
    this.threads = this.workers.length + 1;
  }

  /**
   * Runs every task (the shares are only a grouping; any thread may run any task) and
   * returns when all are done.
   */
  run(shares: SimdTask[][]): void {
    const tasks = shares.flat();
    if (parallelTuning().checkOutputs) checkDisjointOutputs(tasks);
    const { ctl, args } = this;
    let size = tasks.length;
    for (const t of tasks) for (const call of callsOf(t)) size += 3 + call.args.length;
    if (
      ctl === undefined ||
      args === undefined ||
      tasks.length <= 1 ||
      size > MAX_ARGS ||
      tasks.length > 0xffff
    ) {
      for (const t of tasks) this.runTask(t);
      return;
    }
    this.seq = this.seq >= 0x7fff ? 1 : this.seq + 1;
    const seq = this.seq;
    let p = tasks.length;
    tasks.forEach((t, i) => {
      args[i] = p;
      const calls = callsOf(t);
      args[p++] = calls.length;
      for (const call of calls) {
        args[p++] = FUNCTIONS.indexOf(call.fn);
        args[p++] = call.args.length;
        for (const a of call.args) args[p++] = a;
      }
    });
    const count = tasks.length;
    Atomics.store(ctl, 3, 0);
    Atomics.store(ctl, 4, 0);
    Atomics.store(ctl, 1, count);
    Atomics.store(ctl, 2, seq << 16);
    Atomics.store(ctl, 0, seq);
    Atomics.notify(ctl, 0);
    let failure: unknown;
    for (;;) {
      const v = Atomics.load(ctl, 2);
      const i = v & 0xffff;
      if (i >= count) break;
      if (Atomics.compareExchange(ctl, 2, v, v + 1) !== v) continue;
      try {
        this.runTask(tasks[i] as SimdTask);
      } catch (error) {
        failure = error;
      }
      Atomics.add(ctl, 3, 1);
    }
    const deadline = Date.now() + 60_000;
    let finished = Atomics.load(ctl, 3);
    for (let spin = 0; spin < SPIN_ITERATIONS && finished < count; spin++)
      finished = Atomics.load(ctl, 3);
    while (finished < count) {
      if (Date.now() > deadline)
        throw new BackendError(
          'E_INTERNAL',
          '@none/backend: a SIMD helper thread stopped responding',
        );
      Atomics.wait(ctl, 3, finished, 1000);
      finished = Atomics.load(ctl, 3);
    }
    if (failure !== undefined) throw failure;
    if (Atomics.load(ctl, 4) !== 0)
      throw new BackendError(
        'E_INTERNAL',
        '@none/backend: a SIMD kernel failed on a helper thread',
      );
  }

  private runTask(t: SimdTask): void {
    for (const call of callsOf(t))
      (this.kernels[call.fn] as (...args: number[]) => void)(...call.args);
  }
}

/**
 * How many threads a call with `work` units (floats touched, or multiply-adds / 16) should
 * use: handing a share to a helper costs tens of microseconds, so small calls stay here.
 */
export function threadsFor(pool: SimdPool, work: number): number {
  return Math.max(
    1,
    Math.min(pool.threads, Math.floor(work / parallelTuning().minimumWorkPerThread)),
  );
}

/**
 * How many pieces to cut a call into: 1 for small calls, else 4 per thread, so that
 * dynamic hand-out can balance a helper that gets less CPU time.
 */
export function chunksFor(pool: SimdPool, work: number): number {
  const threads = threadsFor(pool, work);
  return threads === 1 ? 1 : 4 * threads;
}

const TUNING_KEY = Symbol.for('@none/backend.parallel-tuning');

interface ParallelTuning {
  /** Work below which a call stays on one thread. */
  minimumWorkPerThread: number;
  /** Tests: check that no two tasks of a call write overlapping memory. */
  checkOutputs: boolean;
}

/** Byte range [start, end) a kernel call writes. */
function outputRange(call: { fn: keyof SimdKernels; args: number[] }): [number, number] {
  const a = (i: number): number => call.args[i] ?? 0;
  switch (call.fn) {
    case 'gemm_atb':
      // c = a(13), ldc = a(14), m = a(11), n8 = a(12)
      return [a(13), a(13) + (a(11) - 1) * a(14) + a(12) * 4];
    case 'col_sum':
      return [a(3), a(3) + a(2) * 4];
    case 'col_sums':
      return [a(3), a(3) + Math.ceil(a(1) / a(4)) * a(2) * 4];
    case 'max_pool_grad':
    case 'avg_pool_grad':
    case 'max_tiling_pool_grad':
      return [a(3), a(3) + a(4) * a(5) * a(6) * a(7) * 4];
    case 'conv_fwd':
      // y = a(10), syImg = a(11), syRow = a(12), nImg = a(13), oh = a(14), ow = a(15), co4 = a(7)
      return [a(10), a(10) + (a(13) - 1) * a(11) + (a(14) - 1) * a(12) + a(15) * a(7)];
    case 'pad_images':
      // dst = a(1), nImg = a(2), dstImgBytes = a(6)
      return [a(1), a(1) + a(2) * a(6)];
    case 'relu':
      return [a(1), a(1) + a(2)];
    case 'relu_grad':
      return [a(2), a(2) + a(3)];
    case 'same_add':
    case 'same_sub':
    case 'same_mul':
      return [a(2), a(2) + a(3)];
    default:
      // channel_*: out = a(2), rows = a(3), cols = a(4)
      return [a(2), a(2) + a(3) * a(4) * 4];
  }
}

/** Throws when two tasks write overlapping memory (they may run at the same time). */
function checkDisjointOutputs(tasks: SimdTask[]): void {
  const ranges = tasks.map((t) => callsOf(t).map(outputRange));
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      for (const [s1, e1] of ranges[i] as [number, number][]) {
        for (const [s2, e2] of ranges[j] as [number, number][]) {
          if (s1 < e2 && s2 < e1) {
            throw new BackendError(
              'E_INTERNAL',
              `@none/backend: tasks ${i} and ${j} of one call write overlapping memory`,
            );
          }
        }
      }
    }
  }
}

/**
 * Tuning knob, on globalThis like the registration (tests set `minimumWorkPerThread` to 1
 * so that every call is split).
 */
export function parallelTuning(): ParallelTuning {
  const global = globalThis as Record<symbol, ParallelTuning | undefined>;
  let tuning = global[TUNING_KEY];
  if (tuning === undefined) {
    tuning = { minimumWorkPerThread: 65536, checkOutputs: false };
    global[TUNING_KEY] = tuning;
  }
  return tuning;
}

/**
 * Runs an element-wise kernel over `n` floats (n % 4 == 0) in chunks across the pool's
 * threads; `task(offsetBytes, bytes)` is the call for one chunk.
 */
export function runElementwise(
  pool: SimdPool,
  n: number,
  task: (offsetBytes: number, bytes: number) => SimdTask,
): void {
  pool.run(
    splitRange(n / 4, chunksFor(pool, n)).map(([i0, i1]): SimdTask[] =>
      i1 <= i0 ? [] : [task(i0 * 16, (i1 - i0) * 16)],
    ),
  );
}

/** Splits [0, total) into `parts` contiguous ranges whose starts are multiples of `align`. */
export function splitRange(total: number, parts: number, align = 1): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  for (let k = 0; k < parts; k++) {
    let end = k === parts - 1 ? total : Math.round((total * (k + 1)) / parts / align) * align;
    end = Math.min(total, Math.max(start, end));
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}
