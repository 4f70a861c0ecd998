import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, subsetDataset } from '@none/data';
import { buildModel } from '@none/models';
import { afterAll, describe, expect, it } from 'vitest';
import { executeRun } from '../execute-run';
import { ADAPTIVE_ATTACK, adaptiveSuite, TABLE_16 } from '../suites/adaptive';
import type { RunResult, RunSpec } from '../types';
import { adaptiveLayers, executeAdaptiveRun, parseAdaptiveParams, triggeredCopy } from './adaptive';
import { RUN_KINDS } from './index';

const directories: string[] = [];
async function temporaryDirectory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-adaptive-'));
  directories.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});

function expectWellFormed(result: RunResult) {
  expect(result.undefended.ba).toBeGreaterThanOrEqual(0);
  expect(result.undefended.ba).toBeLessThanOrEqual(1);
  expect(result.undefended.asr).toBeGreaterThanOrEqual(0);
  expect(result.undefended.asr).toBeLessThanOrEqual(1);
  expect(result.undefended.trainMs).toBeGreaterThan(0);
  const d = result.defended!;
  expect(d.defense).toBe('NONE');
  expect(d.ba).toBeGreaterThanOrEqual(0);
  expect(d.ba).toBeLessThanOrEqual(1);
  expect(d.asr).toBeGreaterThanOrEqual(0);
  expect(d.asr).toBeLessThanOrEqual(1);
  expect(d.removed).toBeGreaterThanOrEqual(0);
  expect(Number.isInteger(d.removed)).toBe(true);
  expect(d.overhead).toBeGreaterThan(0);
  for (const q of [d.precision, d.recall]) {
    expect(q).not.toBeNull();
    expect(q!).toBeGreaterThanOrEqual(0);
    expect(q!).toBeLessThanOrEqual(1);
  }
}

describe('the adaptive suite (Table 16)', () => {
  it('has the four alphas of Table 16 at cpu scale, one at smoke, each an adaptive run', () => {
    const cpu = adaptiveSuite.runs('cpu');
    expect(cpu.map((r) => r.params?.alpha)).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
    expect(adaptiveSuite.runs('smoke')).toHaveLength(1);
    for (const run of [...cpu, ...adaptiveSuite.runs('full')]) {
      expect(run.kind).toBe('adaptive');
      expect(run.config.attack).toEqual(ADAPTIVE_ATTACK);
      const cell = TABLE_16[String(run.params!.alpha)]!;
      expect(run.paper).toMatchObject({ undefendedBa: cell[0], asr: cell[3] });
    }
    expect(adaptiveSuite.runs('full')[0]!.config.model?.architecture).toBe('vgg16');
    expect(TABLE_16['0.01']).toEqual([89.03, 99.91, 86.5, 86.2]);
  });

  it('rejects bad params with a BenchError naming the run and the field', () => {
    expect(() => parseAdaptiveParams({ alpha: -1 }, 'adaptive/x')).toThrow(/adaptive\/x.*alpha/s);
    expect(() => parseAdaptiveParams({}, 'adaptive/x')).toThrow(
      expect.objectContaining({ name: 'BenchError', code: 'E_INVALID_PARAMS' }),
    );
    expect(() => parseAdaptiveParams({}, 'adaptive/x')).toThrow(/alpha/);
    expect(parseAdaptiveParams({ alpha: 0.1 })).toEqual({ alpha: 0.1, attackEpochs: 5 });
  });
});

describe('executeAdaptiveRun', () => {
  it('runs the smoke-scale spec end to end through executeRun and returns a well-formed result', async () => {
    expect(RUN_KINDS.adaptive).toBe(executeAdaptiveRun);
    const spec = adaptiveSuite.runs('smoke')[0]!;
    const result = await executeRun(spec, {
      suite: 'adaptive',
      scale: 'smoke',
      outDir: await temporaryDirectory(),
    });
    expect(result.id).toBe(spec.id);
    expect(result.labels).toEqual({ alpha: 0.1, seed: 0 });
    expect(result.paper?.source).toContain('Table 16');
    expectWellFormed(result);
    // The attack took: the fine-tuned model follows the watermark on most test digits.
    expect(result.undefended.asr!).toBeGreaterThan(0.5);
  });

  it('is deterministic: the same spec twice (fresh folders) gives the same metrics; a finished run resumes to them', async () => {
    const base = adaptiveSuite.runs('smoke')[0]!;
    const spec: RunSpec = {
      ...base,
      subset: { train: 600, test: 200 },
      config: { ...base.config, training: { epochs: 1, batchSize: 64 } },
      params: { alpha: 1e-2, attackEpochs: 1 },
    };
    const options = { suite: 'adaptive', scale: 'smoke' as const };
    const first = await temporaryDirectory();
    const a = await executeAdaptiveRun(spec, { ...options, outDir: first });
    const b = await executeAdaptiveRun(spec, { ...options, outDir: await temporaryDirectory() });
    const c = await executeAdaptiveRun(spec, { ...options, outDir: first });
    const metrics = (r: RunResult) => ({
      undefended: [r.undefended.ba, r.undefended.asr],
      defended: [r.defended!.ba, r.defended!.asr, r.defended!.removed, r.defended!.recall],
    });
    expectWellFormed(a);
    expect(metrics(b)).toEqual(metrics(a));
    expect(metrics(c)).toEqual(metrics(a));
  });
});

describe('adaptiveLayers and triggeredCopy', () => {
  it('take the activations NONE watches and stamp every sample, labelled with the target', async () => {
    const built = buildModel({
      architecture: 'small-cnn',
      inputShape: [28, 28, 1],
      numClasses: 10,
      seed: 3,
    });
    try {
      expect(adaptiveLayers(built)).toEqual(['conv1_act', 'conv2_act', 'fc1_act']);
    } finally {
      built.model.dispose();
    }
    const { train } = await loadDataset({ type: 'embedded-mnist' });
    const clean = subsetDataset(
      train,
      Int32Array.from({ length: 20 }, (_, i) => i * 50),
    );
    const triggered = triggeredCopy(clean, ADAPTIVE_ATTACK, 0);
    expect(triggered.shape).toEqual(clean.shape);
    expect([...new Set(triggered.labels)]).toEqual([ADAPTIVE_ATTACK.target]);
    for (let i = 0; i < 20; i++) {
      const size = 28 * 28;
      const a = clean.images.subarray(i * size, (i + 1) * size);
      const b = triggered.images.subarray(i * size, (i + 1) * size);
      expect(Array.from(b)).not.toEqual(Array.from(a));
    }
  });
});
