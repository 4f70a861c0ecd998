import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from './errors';
import { executeRun } from './execute-run';
import { appendResult, inPlanOrder, pendingRuns, readResults } from './results';
import { runHash } from './run-context';
import type { RunResult, RunSpec, Scale, SuiteDefinition } from './types';
import type { BackendChoice, ParentMessage, WorkerMessage } from './worker-protocol';

export type RunnerEvent =
  | { type: 'plan'; suite: string; total: number; done: number; pending: number; parallel: number }
  | { type: 'start'; id: string; index: number; pending: number }
  | { type: 'progress'; id: string; message: string }
  | { type: 'finish'; id: string; result: RunResult; index: number; pending: number }
  | { type: 'fail'; id: string; error: string };

export interface RunSuiteOptions {
  scale: Scale;
  /** The suite's folder: results.jsonl, runs/<id>/ checkpoints, report.md. */
  outDir: string;
  /** Runs at a time, each in its own process with its own backend. @default min(cores, runs) */
  parallel?: number;
  /** Run everything in this process, one at a time (tests; the backend must be initialised). */
  inProcess?: boolean;
  backend?: BackendChoice;
  /** Only the runs whose id matches. */
  filter?: (spec: RunSpec) => boolean;
  /** Seeds of every cell (`--seeds`). @default the scale's preset seeds */
  seeds?: readonly number[];
  onEvent?: (event: RunnerEvent) => void;
}

export interface SuiteRunSummary {
  /** Every result of the suite at this scale (old and new), in the suite's order. */
  results: RunResult[];
  ran: number;
  skipped: number;
  failed: { id: string; error: string }[];
}

/** `results.jsonl` of a suite's folder. */
export const resultsPath = (outDir: string) => join(outDir, 'results.jsonl');

/**
 * The suite's runs at a scale (over `seeds` when given), each validated (config errors
 * surface before anything runs) and with its hash.
 */
export function planSuite(
  suite: SuiteDefinition,
  scale: Scale,
  seeds?: readonly number[],
): (RunSpec & { hash: string })[] {
  const specs = suite.runs(scale, seeds);
  const seen = new Set<string>();
  return specs.map((spec) => {
    if (seen.has(spec.id))
      throw new BenchError(
        'E_INVALID_SUITE',
        `suite ${suite.name}: two runs have the id ${spec.id}`,
      );
    seen.add(spec.id);
    return { ...spec, hash: runHash(spec) };
  });
}

function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  // From dist/ the worker sits beside this file; from src/ (tests) use the built one.
  const script = here.endsWith('.ts')
    ? join(here, '..', '..', 'dist', 'worker-process.js')
    : join(here, '..', 'worker-process.js');
  if (!existsSync(script)) {
    throw new BenchError(
      'E_NOT_FOUND',
      `bench: the worker script ${script} is missing; build @none/bench first (pnpm build)`,
    );
  }
  return script;
}

/**
 * Runs the runs of a suite that `results.jsonl` does not hold yet (same id and spec hash),
 * appending one line per finished run: a killed suite resumes where it stopped, and a run
 * killed midway resumes from its checkpoint. Runs go to `parallel` child processes.
 */
export async function runSuite(
  suite: SuiteDefinition,
  options: RunSuiteOptions,
): Promise<SuiteRunSummary> {
  const { scale, outDir } = options;
  const plan = planSuite(suite, scale, options.seeds).filter((s) => options.filter?.(s) ?? true);
  const path = resultsPath(outDir);
  const previous = await readResults(path);
  const pending = pendingRuns(plan, previous);
  const cores = cpus().length;
  const parallel =
    suite.name === 'efficiency'
      ? 1
      : Math.max(1, Math.min(options.parallel ?? cores, pending.length || 1));
  options.onEvent?.({
    type: 'plan',
    suite: suite.name,
    total: plan.length,
    done: plan.length - pending.length,
    pending: pending.length,
    parallel,
  });
  const failed: SuiteRunSummary['failed'] = [];
  const fresh: RunResult[] = [];
  let next = 0;
  let finished = 0;
  const record = async (result: RunResult) => {
    await appendResult(path, result);
    fresh.push(result);
    finished += 1;
    options.onEvent?.({
      type: 'finish',
      id: result.id,
      result,
      index: finished,
      pending: pending.length,
    });
  };

  if (options.inProcess) {
    for (const spec of pending) {
      options.onEvent?.({ type: 'start', id: spec.id, index: ++next, pending: pending.length });
      try {
        await record(await executeRun(spec, { suite: suite.name, scale, outDir }));
      } catch (error) {
        failed.push({ id: spec.id, error: (error as Error).message });
        options.onEvent?.({ type: 'fail', id: spec.id, error: (error as Error).message });
      }
    }
  } else if (pending.length > 0) {
    const script = workerScript();
    // Each process gets an equal share of the cores for its wasm threads.
    const threads = Math.max(1, Math.floor(cores / parallel));
    const lane = async () => {
      let child: ChildProcess | undefined;
      const start = () => {
        const c = fork(script, [], {
          env: { ...process.env, NONE_WASM_THREADS: String(threads) },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        const ready = new Promise<void>((resolve, reject) => {
          c.once('message', (m: WorkerMessage) =>
            m.type === 'ready'
              ? resolve()
              : reject(new BenchError('E_WORKER', 'worker: unexpected first message')),
          );
          c.once('exit', (code) =>
            reject(
              new BenchError('E_WORKER', `worker exited with code ${code} before it was ready`),
            ),
          );
        });
        return { c, ready };
      };
      while (next < pending.length) {
        const spec = pending[next++]!;
        options.onEvent?.({ type: 'start', id: spec.id, index: next, pending: pending.length });
        if (!child || child.exitCode !== null) {
          const started = start();
          child = started.c;
          await started.ready;
        }
        const c = child;
        const outcome = await new Promise<{ result?: RunResult; error?: string }>((resolve) => {
          const onMessage = (m: WorkerMessage) => {
            if (m.type === 'event') {
              const e = m.event;
              if (e.type === 'epoch')
                options.onEvent?.({
                  type: 'progress',
                  id: m.id,
                  message: `${e.stage} epoch ${e.logs.epoch + 1}: loss ${e.logs.loss.toFixed(3)}`,
                });
              return;
            }
            c.off('message', onMessage);
            c.off('exit', onExit);
            if (m.type === 'result') resolve({ result: m.result });
            else if (m.type === 'error') resolve({ error: m.message });
          };
          const onExit = (code: number | null, signal: string | null) => {
            c.off('message', onMessage);
            resolve({ error: `worker process died (${signal ?? `exit code ${code}`})` });
          };
          c.on('message', onMessage);
          c.once('exit', onExit);
          c.send({
            type: 'run',
            spec,
            suite: suite.name,
            scale,
            outDir,
            backend: options.backend ?? 'auto',
          } satisfies ParentMessage);
        });
        if (outcome.result) await record(outcome.result);
        else {
          failed.push({ id: spec.id, error: outcome.error! });
          options.onEvent?.({ type: 'fail', id: spec.id, error: outcome.error! });
        }
      }
      if (child && child.exitCode === null) child.send({ type: 'exit' } satisfies ParentMessage);
    };
    await Promise.all(Array.from({ length: parallel }, lane));
  }

  const results = inPlanOrder(plan, [...previous, ...fresh]);
  return { results, ran: fresh.length, skipped: plan.length - pending.length, failed };
}
