import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from './checkpoint';

describe('checkpoints', () => {
  it('round-trips state, weights, optimizer slots and extra arrays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const contents = {
      state: { stage: 'baseline', epoch: 3 },
      weights: [Float32Array.of(1, 2, 3), Float32Array.of(4)],
      optimizer: { type: 'sgd' as const, step: 7, slots: [Float32Array.of(0.5, 0.25, 0.125)] },
      extra: [Float32Array.of(9, 8), Float32Array.of()],
    };
    await writeCheckpoint(dir, contents);
    expect(await readCheckpoint(dir)).toEqual(contents);
  });

  it('keeps one tensor file, and reads an older checkpoint without extra arrays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await writeCheckpoint(dir, {
      state: 1,
      weights: [Float32Array.of(1)],
      extra: [Float32Array.of(2)],
    });
    await writeCheckpoint(dir, { state: 2, weights: [Float32Array.of(3)] });
    expect((await readdir(dir)).filter((n) => n.startsWith('tensors-'))).toHaveLength(1);
    const read = await readCheckpoint<number>(dir);
    expect(read).toEqual({ state: 2, weights: [Float32Array.of(3)] });
  });

  it('names the file when the tensors do not match the state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await writeCheckpoint(dir, {
      state: 1,
      weights: [Float32Array.of(1, 2)],
      extra: [Float32Array.of(2)],
    });
    const name = (await readdir(dir)).find((n) => n.startsWith('tensors-'))!;
    await writeFile(join(dir, name), new Uint8Array(4));
    await expect(readCheckpoint(dir)).rejects.toThrow(`hold 4 bytes, expected 12`);
  });
});
