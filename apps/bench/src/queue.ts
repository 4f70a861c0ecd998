// Scale-out over machines with an existing job queue: BullMQ on Redis. The enqueuing side
// (`none bench --queue URL`) adds one job per pending run and is the only writer of
// results.jsonl; workers (`none worker --queue URL`, e.g. GPU boxes with tfjs-node-gpu) run
// jobs and return their results. A job's id is its run key, so adding it twice is a no-op,
// and a finished job's result stays in Redis until the enqueuer has recorded it.
import { join } from 'node:path';
import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { BenchError } from './errors';
import { executeRun } from './execute-run';
import { appendResult, inPlanOrder, pendingRuns, readResults } from './results';
import { planSuite, type RunnerEvent, resultsPath, type SuiteRunSummary } from './runner';
import type { RunResult, RunSpec, Scale, SuiteDefinition } from './types';

export const QUEUE_NAME = 'none-bench';

export interface BenchJobData {
  suite: string;
  scale: Scale;
  spec: RunSpec;
}

/** ioredis options from a `redis://[user:password@]host:port[/db]` URL. */
export function redisConnection(url: string) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `queue: "${url}" is not a Redis URL (expected redis://host:port)`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `queue: "${url}" is not a Redis URL (expected redis://host:port, got protocol ${parsed.protocol})`,
    );
  }
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The job id of a run: the same run enqueued twice is one job. */
export const jobId = (suite: string, scale: Scale, id: string, hash: string) =>
  `${suite}|${scale}|${id}|${hash}`.replaceAll(':', '_');

export interface QueueSuiteOptions {
  scale: Scale;
  outDir: string;
  connection: string;
  filter?: (spec: RunSpec) => boolean;
  /** Seeds of every cell (`--seeds`). @default the scale's preset seeds */
  seeds?: readonly number[];
  onEvent?: (event: RunnerEvent) => void;
  /** Retries of a job whose worker failed or died. @default 3 */
  attempts?: number;
}

/**
 * Enqueues the suite's pending runs and waits until workers have finished them, appending
 * each result to results.jsonl as it arrives. Killing this process loses nothing: finished
 * jobs keep their results in Redis and the next call records them without rerunning.
 */
export async function runSuiteOnQueue(
  suite: SuiteDefinition,
  options: QueueSuiteOptions,
): Promise<SuiteRunSummary> {
  const connection = redisConnection(options.connection);
  const queue = new Queue<BenchJobData, RunResult>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  try {
    await events.waitUntilReady();
    const plan = planSuite(suite, options.scale, options.seeds).filter(
      (s) => options.filter?.(s) ?? true,
    );
    const path = resultsPath(options.outDir);
    const pending = pendingRuns(plan, await readResults(path));
    options.onEvent?.({
      type: 'plan',
      suite: suite.name,
      total: plan.length,
      done: plan.length - pending.length,
      pending: pending.length,
      parallel: 0,
    });
    const failed: SuiteRunSummary['failed'] = [];
    let finished = 0;
    const waiting = new Map<string, RunSpec & { hash: string }>();
    let settle: () => void = () => {};
    const allSettled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const check = () => {
      if (waiting.size === 0) settle();
    };
    const record = async (id: string, result: RunResult) => {
      if (!waiting.delete(id)) return;
      await appendResult(path, result);
      finished += 1;
      options.onEvent?.({
        type: 'finish',
        id: result.id,
        result,
        index: finished,
        pending: pending.length,
      });
      check();
    };
    const fail = (id: string, reason: string) => {
      const spec = waiting.get(id);
      if (!spec) return;
      waiting.delete(id);
      failed.push({ id: spec.id, error: reason });
      options.onEvent?.({ type: 'fail', id: spec.id, error: reason });
      check();
    };
    // Listen before adding, so that no completion is missed.
    events.on('completed', ({ jobId: id, returnvalue }) => {
      void record(
        id,
        (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as RunResult,
      );
    });
    events.on('failed', async ({ jobId: id, failedReason }) => {
      const job = await queue.getJob(id);
      // A failure with attempts left is retried; only the last one counts.
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) fail(id, failedReason);
    });
    for (const spec of pending)
      waiting.set(jobId(suite.name, options.scale, spec.id, spec.hash), spec);
    for (const [id, spec] of [...waiting]) {
      const existing = await queue.getJob(id);
      if (existing) {
        const state = await existing.getState();
        if (state === 'completed') {
          await record(id, existing.returnvalue);
          continue;
        }
        if (state === 'failed') await existing.retry();
        options.onEvent?.({ type: 'progress', id: spec.id, message: `already queued (${state})` });
        continue;
      }
      await queue.add(
        spec.id,
        { suite: suite.name, scale: options.scale, spec },
        {
          jobId: id,
          attempts: options.attempts ?? 3,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: false,
          removeOnFail: false,
        },
      );
      options.onEvent?.({ type: 'progress', id: spec.id, message: 'queued' });
    }
    check();
    await allSettled;
    // Recorded results are in results.jsonl now: drop their jobs from Redis.
    for (const spec of pending) {
      const job = await queue.getJob(jobId(suite.name, options.scale, spec.id, spec.hash));
      if (job && (await job.getState()) === 'completed') await job.remove();
    }
    return {
      results: inPlanOrder(plan, await readResults(path)),
      ran: finished,
      skipped: plan.length - pending.length,
      failed,
    };
  } finally {
    await events.close();
    await queue.close();
  }
}

export interface QueueWorkerOptions {
  connection: string;
  /** Where this worker keeps run checkpoints (a restarted worker resumes them). @default 'bench-worker' */
  workDir?: string;
  concurrency?: number;
  /**
   * How long a job is locked without a heartbeat before another worker may take it over (a
   * killed worker's job is retried after this). @default 120000
   */
  lockDuration?: number;
  /** How often stalled jobs are looked for. @default 30000 */
  stalledInterval?: number;
  onJob?: (job: Job<BenchJobData>, state: 'start' | 'done' | 'failed', detail?: string) => void;
}

/** Starts a worker that runs bench jobs (the backend must be initialised). */
export async function startQueueWorker(
  options: QueueWorkerOptions,
): Promise<Worker<BenchJobData, RunResult>> {
  const workDir = options.workDir ?? 'bench-worker';
  const worker = new Worker<BenchJobData, RunResult>(
    QUEUE_NAME,
    async (job) => {
      options.onJob?.(job, 'start');
      const { suite, scale, spec } = job.data;
      return executeRun(spec, { suite, scale, outDir: join(workDir, scale, suite) });
    },
    {
      connection: redisConnection(options.connection),
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDuration ?? 120_000,
      stalledInterval: options.stalledInterval ?? 30_000,
      maxStalledCount: 3,
    },
  );
  worker.on('completed', (job) => options.onJob?.(job, 'done'));
  worker.on('failed', (job, error) => job && options.onJob?.(job, 'failed', error.message));
  await worker.waitUntilReady();
  return worker;
}
