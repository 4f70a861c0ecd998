import { Worker } from 'node:worker_threads';
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
];
const CONTROL_BYTES = 64 * 1024;
const MAX_ARGS = (CONTROL_BYTES - 64) / 8;

// Control words: [0] posted sequence number, [1] last sequence finished by the helper,
// [2] task count, [3] error flag, [4] claim: −seq while unclaimed, seq once the helper
// took it, 0 once this thread took it back (work stealing when the helper is late, e.g.
// because another process is using its core).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { memory, bytes, control, functions } = workerData;
const kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
const ctl = new Int32Array(control, 0, 16);
const args = new Float64Array(control, 64);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  if (Atomics.compareExchange(ctl, 4, -seen, seen) === -seen) {
    let p = 0;
    const count = ctl[2];
    try {
      for (let t = 0; t < count; t++) {
        const fn = functions[args[p++]];
        const argc = args[p++];
        const a = new Array(argc);
        for (let i = 0; i < argc; i++) a[i] = args[p++];
        kernels[fn](...a);
      }
      ctl[3] = 0;
    } catch (error) {
      ctl[3] = 1;
    }
    Atomics.store(ctl, 1, seen);
    Atomics.notify(ctl, 1);
  }
}
parentPort.close();
`;

interface Helper {
  worker: Worker;
  ctl: Int32Array;
  args: Float64Array;
}

/** Threads for our SIMD kernels; `helpers.length + 1` shares per call. */
export class SimdPool {
  readonly threads: number;
  private readonly helpers: Helper[] = [];
  private seq = 0;

  constructor(
    private readonly kernels: SimdKernels,
    memory: WasmMemory,
    threads: number,
  ) {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const helpers = shared ? Math.max(0, threads - 1) : 0;
    const bytes = helpers > 0 ? assembleSimdModule(true) : undefined;
    for (let i = 0; i < helpers; i++) {
      const control = new SharedArrayBuffer(CONTROL_BYTES);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { memory, bytes, control, functions: FUNCTIONS },
      });
      worker.unref();
      this.helpers.push({
        worker,
        ctl: new Int32Array(control, 0, 16),
        args: new Float64Array(control, 64),
      });
    }
    this.threads = this.helpers.length + 1;
  }

  /**
   * Runs `shares[k]` on thread k (0 = this thread) and returns when all are done. Shares
   * for missing helpers run here.
   */
  run(shares: SimdTask[][]): void {
    const active: [Helper, SimdTask[]][] = [];
    this.seq = this.seq >= 1_000_000_000 ? 1 : this.seq + 1;
    for (let k = 1; k < shares.length; k++) {
      const tasks = shares[k] as SimdTask[];
      const helper = this.helpers[k - 1];
      if (tasks.length === 0) continue;
      let size = 0;
      for (const t of tasks) size += 2 + t.args.length;
      if (helper === undefined || size > MAX_ARGS) {
        this.runHere(tasks);
        continue;
      }
      let p = 0;
      for (const t of tasks) {
        helper.args[p++] = FUNCTIONS.indexOf(t.fn);
        helper.args[p++] = t.args.length;
        for (const a of t.args) helper.args[p++] = a;
      }
      helper.ctl[2] = tasks.length;
      Atomics.store(helper.ctl, 4, -this.seq);
      Atomics.store(helper.ctl, 0, this.seq);
      Atomics.notify(helper.ctl, 0);
      active.push([helper, tasks]);
    }
    this.runHere(shares[0] ?? []);
    for (const [helper, tasks] of active) {
      // Not started yet: take the share back and run it here.
      if (Atomics.compareExchange(helper.ctl, 4, -this.seq, 0) === -this.seq) {
        this.runHere(tasks);
        continue;
      }
      let done = Atomics.load(helper.ctl, 1);
      const deadline = Date.now() + 60_000;
      while (done !== this.seq) {
        if (Date.now() > deadline)
          throw new Error('@none/backend: a SIMD helper thread stopped responding');
        Atomics.wait(helper.ctl, 1, done, 1000);
        done = Atomics.load(helper.ctl, 1);
      }
      if (helper.ctl[3] !== 0)
        throw new Error('@none/backend: a SIMD kernel failed on a helper thread');
    }
  }

  private runHere(tasks: SimdTask[]): void {
    for (const t of tasks) (this.kernels[t.fn] as (...args: number[]) => void)(...t.args);
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

const TUNING_KEY = Symbol.for('@none/backend.parallel-tuning');

/**
 * Tuning knob, on globalThis like the registration (tests set `minimumWorkPerThread` to 1
 * so that every call is split).
 */
export function parallelTuning(): { minimumWorkPerThread: number } {
  const global = globalThis as Record<symbol, { minimumWorkPerThread: number } | undefined>;
  let tuning = global[TUNING_KEY];
  if (tuning === undefined) {
    tuning = { minimumWorkPerThread: 65536 };
    global[TUNING_KEY] = tuning;
  }
  return tuning;
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
