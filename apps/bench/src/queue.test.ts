import { fork } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerPath, startRedis } from './_redis';
import { tinySuite } from './_test-suite';
import { jobId, QUEUE_NAME, redisConnection, runSuiteOnQueue, startQueueWorker } from './queue';
import { readResults } from './results';
import { planSuite, resultsPath } from './runner';

describe('redisConnection', () => {
  it('parses host, port, password and db', () => {
    expect(redisConnection('redis://:s3cret@10.0.0.2:6380/2')).toMatchObject({
      host: '10.0.0.2',
      port: 6380,
      password: 's3cret',
      db: 2,
    });
    expect(redisConnection('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379 });
  });
  it('rejects what is not a Redis URL, naming it', () => {
    expect(() => redisConnection('http://x:1')).toThrow('"http://x:1" is not a Redis URL');
    expect(() => redisConnection('nope')).toThrow('"nope" is not a Redis URL');
  });
});

// The queue tests need a real Redis: Debian's redis-server (`.ci/run` installs it).
const hasRedis = redisServerPath() !== null;
if (!hasRedis)
  console.warn('queue tests skipped: redis-server is not installed (apt-get install redis-server)');

describe.skipIf(!hasRedis)('BullMQ queue (real redis-server)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('enqueues a suite, a worker runs it, results land once; a rerun enqueues nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-queue-'));
    const suite = tinySuite('queued', 1);
    const worker = await startQueueWorker({ connection: redis.url, workDir: join(dir, 'worker') });
    try {
      const summary = await runSuiteOnQueue(suite, {
        scale: 'smoke',
        outDir: dir,
        connection: redis.url,
      });
      expect(summary.failed).toEqual([]);
      expect(summary.ran).toBe(2);
      expect((await readResults(resultsPath(dir))).map((r) => r.id).sort()).toEqual([
        'none-defended',
        'plain',
      ]);
      const again = await runSuiteOnQueue(suite, {
        scale: 'smoke',
        outDir: dir,
        connection: redis.url,
      });
      expect(again).toMatchObject({ ran: 0, skipped: 2 });
      // Recorded jobs are removed from Redis.
      const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redis.url) });
      const [first] = planSuite(suite, 'smoke');
      expect(
        await queue.getJob(jobId(suite.name, 'smoke', first!.id, first!.hash)),
      ).toBeUndefined();
      await queue.close();
    } finally {
      await worker.close();
    }
  });

  it("a killed worker's job is taken over by another worker and recorded exactly once", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-queue-kill-'));
    const suite = tinySuite('killed', 2);
    const done = runSuiteOnQueue(suite, { scale: 'smoke', outDir: dir, connection: redis.url });
    const bin = join(fileURLToPath(import.meta.url), '..', '..', 'dist', 'bin.js');
    const doomed = fork(
      bin,
      [
        'worker',
        '--queue',
        redis.url,
        '--backend',
        'wasm',
        '--lock-seconds',
        '3',
        '--work-dir',
        join(dir, 'doomed'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, NONE_WASM_THREADS: '1' },
      },
    );
    // Kill it as soon as it has started a job.
    await new Promise<void>((resolve) => {
      doomed.stderr!.on('data', (d: Buffer) => {
        if (d.toString().includes('none worker: start')) resolve();
      });
    });
    doomed.kill('SIGKILL');
    const rescuer = await startQueueWorker({
      connection: redis.url,
      workDir: join(dir, 'rescuer'),
      lockDuration: 3000,
      stalledInterval: 1000,
    });
    try {
      const summary = await done;
      expect(summary.failed).toEqual([]);
      const lines = await readResults(resultsPath(dir));
      expect(lines.map((r) => r.id).sort()).toEqual(['none-defended', 'plain']);
    } finally {
      await rescuer.close();
    }
  });
});
