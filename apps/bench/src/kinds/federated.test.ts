import { loadDataset, subsetDataset } from '@none/data';
import { describe, expect, it } from 'vitest';
import { executeRun } from '../execute-run';
import { planSuite } from '../runner';
import { federatedSuite } from '../suites/federated';
import { type RunResult, SCALES } from '../types';
import { executeFederatedRun } from './federated';
import { createFederatedClients } from './federated-clients';
import { parseFederatedParams } from './federated-params';
import { RUN_KINDS } from './index';

describe('createFederatedClients', () => {
  it('gives each malicious shard exactly its local trigger part, benign shards stay clean', async () => {
    const { train: full } = await loadDataset({ type: 'embedded-mnist' });
    const train = subsetDataset(
      full,
      Int32Array.from({ length: 600 }, (_, i) => i * 13),
    );
    const clients = createFederatedClients(train, {
      clients: 6,
      malicious: 4,
      attack: { type: 'badnets', size: 4, target: 0 },
      rate: 0.2,
      seed: 3,
    });
    const size = 28 * 28;
    const white = train.images instanceof Uint8Array ? 255 : 1;
    // The global trigger is the 4x4 patch of rows/cols 24..27; part k is one 2x2 quarter.
    const quarter = (k: number) => {
      const top = 24 + 2 * Math.floor(k / 2);
      const left = 24 + 2 * (k % 2);
      return new Set([0, 1].flatMap((r) => [0, 1].map((c) => (top + r) * 28 + left + c)));
    };
    const patch = new Set([0, 1, 2, 3].flatMap((k) => [...quarter(k)]));
    for (let k = 0; k < 4; k++) {
      const local = clients.localTriggers[k]!;
      const on = new Set<number>();
      for (let p = 0; p < size; p++) if (local.mask[p]! > 0) on.add(p);
      expect(on).toEqual(quarter(k));
    }
    for (const [k, data] of clients.data.entries()) {
      const shard = clients.shards[k]!;
      const poisoned = new Set(clients.poisoned[k]!);
      expect(poisoned.size).toBe(k < 4 ? Math.round(0.2 * shard.length) : 0);
      const part = k < 4 ? quarter(k) : new Set<number>();
      for (let i = 0; i < shard.length; i++) {
        const original = train.images.subarray(shard[i]! * size, (shard[i]! + 1) * size);
        const image = data.images.subarray(i * size, (i + 1) * size);
        if (poisoned.has(i)) {
          expect(train.labels[shard[i]!]).not.toBe(0);
          expect(data.labels[i]).toBe(0);
          for (let p = 0; p < size; p++) {
            // Its own quarter is white; the other quarters and the rest are untouched.
            expect(image[p]).toBe(part.has(p) ? white : original[p]);
          }
        } else {
          expect(data.labels[i]).toBe(train.labels[shard[i]!]);
          expect(Array.from(image)).toEqual(Array.from(original));
        }
      }
    }
    // Sanity of the oracle: the four quarters tile the global patch.
    expect(patch.size).toBe(16);
    for (let p = 0; p < size; p++) {
      expect(clients.globalTrigger.mask[p]).toBe(patch.has(p) ? 1 : 0);
    }
  });
});

describe('parseFederatedParams', () => {
  it('fills defaults and names a bad field', () => {
    expect(parseFederatedParams({ rounds: 5 })).toEqual({
      clients: 10,
      malicious: 4,
      rounds: 5,
      localEpochs: 1,
      fineTune: true,
    });
    expect(() => parseFederatedParams({ rounds: 5, clients: 3 }, 'federated/x')).toThrow(
      /federated\/x: invalid params:[\s\S]*malicious must be at most clients[\s\S]*malicious/,
    );
    expect(() => parseFederatedParams({})).toThrow(/rounds/);
    expect(() => parseFederatedParams({})).toThrow(
      expect.objectContaining({ name: 'BenchError', code: 'E_INVALID_PARAMS' }),
    );
  });
});

describe('federatedSuite', () => {
  it('plans a federated run per cell at every scale, with valid params and Table 7 cells', () => {
    for (const scale of SCALES) {
      const plan = planSuite(federatedSuite, scale);
      expect(plan.length).toBe(scale === 'full' ? 2 : 1);
      for (const run of plan) {
        expect(run.kind).toBe('federated');
        const params = parseFederatedParams(run.params);
        expect(params).toMatchObject({ clients: 10, malicious: 4 });
        expect(params.warmupRounds).toBeLessThan(params.rounds);
        expect(run.config.attack).toMatchObject({ type: 'badnets', size: 4 });
      }
      expect(plan[0]!.paper).toMatchObject({
        undefendedBa: 99.22,
        undefendedAsr: 99.15,
        ba: 98.6,
        asr: 0.13,
      });
    }
    expect(planSuite(federatedSuite, 'cpu')[0]!.subset).toBeUndefined();
    expect(planSuite(federatedSuite, 'smoke')[0]!.subset).toEqual({ train: 2000, test: 500 });
  });
});

describe('executeFederatedRun', () => {
  const [spec] = federatedSuite.runs('smoke');
  const options = { suite: 'federated', scale: 'smoke' as const, outDir: '/tmp/unused' };
  const metrics = (r: RunResult) => ({
    undefended: { ...r.undefended, trainMs: 0 },
    defended: r.defended ? { ...r.defended, trainMs: 0, overhead: 0 } : null,
  });

  it('runs the smoke spec end to end, deterministically, through RUN_KINDS', async () => {
    expect(spec!.kind).toBe('federated');
    expect(RUN_KINDS.federated).toBe(executeFederatedRun);
    const events: string[] = [];
    const first = await executeRun(spec!, {
      ...options,
      onEvent: (e) => {
        events.push(e.type === 'epoch' ? `${e.stage}:${e.logs.epoch}` : e.type);
      },
    });
    expect(first).toMatchObject({
      format: 1,
      suite: 'federated',
      scale: 'smoke',
      id: spec!.id,
      labels: spec!.labels,
      paper: spec!.paper,
    });
    for (const m of [first.undefended, first.defended!]) {
      expect(m.ba).toBeGreaterThanOrEqual(0);
      expect(m.ba).toBeLessThanOrEqual(1);
      expect(m.asr).toBeGreaterThanOrEqual(0);
      expect(m.asr).toBeLessThanOrEqual(1);
      expect(m.trainMs).toBeGreaterThan(0);
    }
    const d = first.defended!;
    expect(d.defense).toBe('NONE');
    expect(d.removed).toBeGreaterThanOrEqual(0);
    expect(d.removed).toBeLessThanOrEqual(2000);
    expect(d.overhead).toBeCloseTo(d.trainMs / first.undefended.trainMs, 9);
    // Warm-up rounds 0, 1 are shared; round 2 runs undefended, then after a detection with NONE.
    expect(events.filter((e) => e.includes(':'))).toEqual([
      'warmup:0',
      'warmup:1',
      'undefended:2',
      'none:2',
    ]);
    expect(events.filter((e) => e === 'none')).toHaveLength(1);
    const second = await executeFederatedRun(spec!, options);
    expect(metrics(second)).toEqual(metrics(first));
  });
});
