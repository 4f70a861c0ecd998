import { join, resolve } from 'node:path';
import { initBackend } from '@none/backend';
import { writeFileAtomic } from '@none/io';
import { defineCommand } from 'citty';
import { isKnownError } from './_known-errors';
import { BenchError } from './errors';
import { runSuite } from './runner';
import { renderSuiteCharts } from './suite-charts';
import { SUITES } from './suites';
import { checkSeeds } from './suites/_presets';
import { SCALES, type Scale } from './types';
import type { BackendChoice } from './worker-protocol';
import { writeSuiteReport } from './write-report';

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(2)}%`;

/** Resolves `--suite` (a name, a comma list or `all`) into suites, or throws naming the bad one. */
export function resolveSuites(value: string) {
  if (value.trim() === '') {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `--suite is required: one of ${Object.keys(SUITES).join(', ')}, all (or --list)`,
    );
  }
  const names = value === 'all' ? Object.keys(SUITES) : value.split(',').map((s) => s.trim());
  return names.map((name) => {
    const suite = SUITES[name];
    if (!suite)
      throw new BenchError(
        'E_INVALID_ARGUMENT',
        `unknown suite "${name}"; the suites are: ${Object.keys(SUITES).join(', ')}, all`,
      );
    return suite;
  });
}

/**
 * Parses `--seeds`: a comma list of non-negative integers or ranges (`0,1,2`, `0-4`).
 *
 * @throws {BenchError} `E_INVALID_ARGUMENT` naming the bad item
 */
export function parseSeeds(value: string): number[] {
  const seeds: number[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from)
        throw new BenchError('E_INVALID_ARGUMENT', `--seeds: the range ${item} runs backwards`);
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (/^\d+$/.test(item)) seeds.push(Number(item));
    else
      throw new BenchError(
        'E_INVALID_ARGUMENT',
        `--seeds: expected non-negative integers or ranges like 0-4, comma separated; got "${item}"`,
      );
  }
  return [...checkSeeds(seeds)];
}

/** `--only`: a run is kept when its id contains one of the comma-separated texts. */
export function onlyFilter(value: string): (spec: { id: string }) => boolean {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0)
    throw new BenchError('E_INVALID_ARGUMENT', '--only: expected some text, got none');
  return (spec) => parts.some((p) => spec.id.includes(p));
}

export function resolveScale(value: string): Scale {
  if (!(SCALES as readonly string[]).includes(value))
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `unknown scale "${value}"; expected one of ${SCALES.join(', ')}`,
    );
  return value as Scale;
}

export const benchCommand = defineCommand({
  meta: {
    name: 'bench',
    description:
      "Run the paper's reproduction suites and write Markdown reports (our numbers beside the paper's). Finished runs are kept in results.jsonl and never recomputed.",
  },
  args: {
    suite: {
      type: 'string',
      description: `Suite(s): ${Object.keys(SUITES).join(', ')}, all (comma list allowed); or figures (the paper's figures)`,
      required: false,
    },
    scale: {
      type: 'string',
      description:
        'smoke (CI, minutes) | cpu (this machine, < 1 h per suite) | full (paper scale, GPU)',
      default: 'cpu',
    },
    out: {
      type: 'string',
      description: 'Results folder; a suite writes to <out>/<scale>/<suite>/',
      default: 'bench-results',
    },
    parallel: {
      type: 'string',
      description: 'Runs at a time, each in its own process (default: the core count)',
    },
    only: {
      type: 'string',
      description: 'Only runs whose id contains this text (a comma list: any of them)',
    },
    seeds: {
      type: 'string',
      description:
        "Seeds of every cell, e.g. 0,1,2 or 0-4 (default: the suite's at the scale); the report adds mean ± sd over them",
    },
    list: {
      type: 'boolean',
      description: 'List the suites and their runs at --scale, run nothing',
      default: false,
    },
    'report-only': {
      type: 'boolean',
      description: 'Rewrite the reports from results.jsonl, run nothing',
      default: false,
    },
    queue: {
      type: 'string',
      description:
        'Enqueue the runs on a BullMQ queue (redis://host:port) instead of running them here; `none worker --queue` runs them',
    },
    backend: { type: 'string', description: 'auto | tensorflow | wasm | cpu', default: 'auto' },
  },
  async run({ args }) {
    try {
      const scale = resolveScale(args.scale);
      if (args.suite === 'figures') {
        const dir = resolve(join(args.out, scale, 'figures'));
        await initBackend({ prefer: args.backend as BackendChoice });
        const { renderAllFigures } = await import('./figures');
        const { figures, markdown } = await renderAllFigures(dir, {
          scale,
          seed: 0,
          onProgress: (message) => process.stderr.write(`${message}\n`),
        });
        const path = join(dir, 'README.md');
        await writeFileAtomic(
          path,
          `# Figures of the paper (scale \`${scale}\`)\n\n_Regenerate: \`none bench --suite figures --scale ${scale}\`._\n\n${markdown}\n`,
        );
        process.stdout.write(`${figures.length} figures and ${path}\n`);
        return;
      }
      const suites = resolveSuites(args.suite ?? (args.list ? 'all' : ''));
      const seeds = args.seeds ? parseSeeds(args.seeds) : undefined;
      const filter = args.only ? onlyFilter(args.only) : undefined;
      if (args.list) {
        for (const suite of suites) {
          const runs = suite.runs(scale, seeds).filter((r) => filter?.(r) ?? true);
          process.stdout.write(
            `${suite.name}${suite.reproduces ? ` (${suite.reproduces})` : ' (ablation)'}: ${runs.length} runs at ${scale}\n`,
          );
          for (const r of runs) process.stdout.write(`  ${r.id}\n`);
        }
        return;
      }
      let failures = 0;
      for (const suite of suites) {
        const dir = resolve(join(args.out, scale, suite.name));
        if (!args['report-only']) {
          if (args.queue) {
            const { runSuiteOnQueue } = await import('./queue');
            const summary = await runSuiteOnQueue(suite, {
              scale,
              outDir: dir,
              connection: args.queue,
              ...(filter ? { filter } : {}),
              ...(seeds ? { seeds } : {}),
              onEvent: log,
            });
            failures += summary.failed.length;
          } else {
            const summary = await runSuite(suite, {
              scale,
              outDir: dir,
              backend: args.backend as BackendChoice,
              ...(args.parallel ? { parallel: Number(args.parallel) } : {}),
              ...(filter ? { filter } : {}),
              ...(seeds ? { seeds } : {}),
              onEvent: log,
            });
            failures += summary.failed.length;
          }
        }
        const path = await writeSuiteReport(suite, scale, dir, (results) =>
          renderSuiteCharts(suite, results, dir),
        );
        process.stdout.write(`report: ${path}\n`);
      }
      if (failures > 0) {
        process.stderr.write(
          `none bench: ${failures} run(s) failed (see above); finished runs are kept\n`,
        );
        process.exitCode = 1;
      }
    } catch (error) {
      if (!isKnownError(error)) throw error;
      process.stderr.write(`none bench: ${error.message}\n`);
      process.exitCode = 1;
    }
  },
});

function log(event: import('./runner').RunnerEvent): void {
  const w = (s: string) => process.stderr.write(`${s}\n`);
  switch (event.type) {
    case 'plan':
      w(
        `== ${event.suite}: ${event.total} runs, ${event.done} already done, ${event.pending} to run, ${event.parallel} at a time`,
      );
      break;
    case 'start':
      w(`[${event.index}/${event.pending}] start ${event.id}`);
      break;
    case 'progress':
      w(`    ${event.id}: ${event.message}`);
      break;
    case 'finish': {
      const r = event.result;
      const d = r.defended;
      w(
        `[${event.index}/${event.pending}] done ${r.id} in ${(r.wallMs / 1000).toFixed(0)} s: undefended BA ${pct(r.undefended.ba)} ASR ${pct(r.undefended.asr)}` +
          (d ? `; ${d.defense} BA ${pct(d.ba)} ASR ${pct(d.asr)} (${d.overhead.toFixed(2)}x)` : ''),
      );
      break;
    }
    case 'fail':
      w(`FAILED ${event.id}: ${event.error}`);
      break;
  }
}

export const workerCommand = defineCommand({
  meta: {
    name: 'worker',
    description: 'Run bench jobs from a BullMQ queue (redis://host:port) until stopped',
  },
  args: {
    queue: {
      type: 'string',
      description: 'Redis URL of the queue, e.g. redis://127.0.0.1:6379',
      required: true,
    },
    backend: { type: 'string', description: 'auto | tensorflow | wasm | cpu', default: 'auto' },
    concurrency: { type: 'string', description: 'Jobs at a time in this worker', default: '1' },
    'work-dir': {
      type: 'string',
      description: 'Where run checkpoints go (a restarted worker resumes them)',
      default: 'bench-worker',
    },
    'lock-seconds': {
      type: 'string',
      description:
        "Seconds without a heartbeat after which a dead worker's job goes to another worker",
      default: '120',
    },
  },
  async run({ args }) {
    const backend = await initBackend({ prefer: args.backend as BackendChoice });
    process.stderr.write(
      `none worker: backend ${backend.description}; waiting for jobs on ${args.queue}\n`,
    );
    const { startQueueWorker } = await import('./queue');
    const lockDuration = Number(args['lock-seconds']) * 1000;
    const worker = await startQueueWorker({
      connection: args.queue,
      concurrency: Number(args.concurrency),
      workDir: args['work-dir'],
      lockDuration,
      stalledInterval: Math.max(1000, Math.min(30_000, lockDuration / 2)),
      onJob: (job, state, detail) =>
        process.stderr.write(
          `none worker: ${state} ${job.data.suite}/${job.data.spec.id}${detail ? `: ${detail}` : ''}\n`,
        ),
    });
    const stop = async () => {
      await worker.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
});
