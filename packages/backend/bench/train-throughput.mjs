// Training throughput (images/s) at batch 128 on 28x28x1, per model and backend.
// Each configuration runs in its own Node process. Usage:
//   node bench/train-throughput.mjs [--quick]
// Needs the built package (pnpm --filter @none/backend build).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const BATCH = 128;
/** The cpu backend needs minutes per step at batch 128 for NiN and ResNet: it runs one step at this batch. */
const CPU_BATCH = 16;
const self = fileURLToPath(import.meta.url);
const dataParallel = fileURLToPath(new URL('./data-parallel.mjs', import.meta.url));
const args = process.argv.slice(2);

async function child(modelName, prefer, threads, seconds, maxSteps) {
  const batch = prefer === 'cpu' ? CPU_BATCH : BATCH;
  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend } = await import('../dist/index.js');
  const { MODELS } = await import('./models.mjs');
  const backend = await initBackend({ prefer, threads });
  const model = MODELS[modelName]();
  const optimizer = tf.train.momentum(0.01, 0.9);
  const x = tf.randomUniform([batch, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
      true,
    );
    loss.dataSync();
    loss.dispose();
  };
  step();
  if (prefer !== 'cpu') step();
  let steps = 0;
  const start = performance.now();
  while (steps < maxSteps && (steps === 0 || performance.now() - start < seconds * 1000)) {
    step();
    steps++;
  }
  const ms = (performance.now() - start) / steps;
  process.stdout.write(
    `${JSON.stringify({ model: modelName, backend: backend.description, steps, ms, batch, imagesPerSecond: (batch * 1000) / ms })}\n`,
  );
}

function run(modelName, prefer, threads, seconds, maxSteps) {
  const argv =
    prefer === 'data-parallel'
      ? [dataParallel, modelName, String(seconds)]
      : [self, '--child', modelName, prefer, String(threads), String(seconds), String(maxSteps)];
  const out = execFileSync(process.execPath, argv, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop());
}

if (args[0] === '--child') {
  await child(args[1], args[2], Number(args[3]), Number(args[4]), Number(args[5]));
} else {
  const quick = args.includes('--quick');
  const skipCpu = args.includes('--no-cpu');
  const seconds = quick ? 3 : 8;
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const configs = [
    ...(skipCpu ? [] : [['cpu', 'cpu', 1, 0, 1]]),
    ['wasm, 1 thread', 'wasm', 1, seconds, 1000],
    ['wasm, 2 threads', 'wasm', 2, seconds, 1000],
    ['data-parallel, 2 x 1 thread (measurement)', 'data-parallel', 2, seconds, 1000],
  ];
  const { MODELS } = await import('./models.mjs');
  console.log(
    `training images/s, batch ${BATCH}, 28x28x1; ${os.cpus()[0]?.model ?? 'cpu'} x${cores}, load ${os.loadavg()[0].toFixed(1)}`,
  );
  const rows = [];
  for (const modelName of Object.keys(MODELS)) {
    const row = { model: modelName };
    for (const [label, prefer, threads, s, maxSteps] of configs) {
      const r = run(modelName, prefer, threads, s, maxSteps);
      row[label] =
        `${r.imagesPerSecond.toFixed(r.imagesPerSecond < 100 ? 1 : 0)} (${r.steps} steps, ${r.ms.toFixed(1)} ms/step)`;
      console.log(
        `${modelName.padEnd(18)} ${label.padEnd(16)} ${r.imagesPerSecond.toFixed(1).padStart(8)} images/s   ` +
          `batch ${r.batch ?? BATCH}, ${r.steps} steps, ${r.ms.toFixed(1)} ms/step  [${r.backend ?? r.mode}]`,
      );
    }
    rows.push(row);
  }
  if (!skipCpu)
    console.log(`\n(cpu: one step at batch ${CPU_BATCH}; the others at batch ${BATCH})`);
  console.log(`\n| model | ${configs.map((c) => c[0]).join(' | ')} |`);
  console.log(`|---|${configs.map(() => '---:').join('|')}|`);
  for (const row of rows)
    console.log(`| ${row.model} | ${configs.map((c) => row[c[0]]).join(' | ')} |`);
}
