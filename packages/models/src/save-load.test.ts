import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from './build-model';
import { ModelError } from './errors';
import { loadModel, MODEL_FILES, saveModel } from './save-load';

const directories: string[] = [];
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'none-models-'));
  directories.push(directory);
  return directory;
}
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});

describe('saveModel / loadModel', () => {
  it.each(['small-cnn', 'resnet18'] as const)(
    'round-trips %s with a custom activation and its metadata',
    async (architecture) => {
      const built = buildModel({
        architecture,
        inputShape: [8, 8, 1],
        numClasses: 3,
        width: 0.25,
        activation: 'tanhshrink',
        seed: 2,
      });
      const directory = join(await temporaryDirectory(), 'model');
      await saveModel(directory, built);
      const loaded = await loadModel(directory);
      expect(loaded.metadata).toEqual(JSON.parse(JSON.stringify(built.metadata)));
      const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 3);
      const [a, b] = tf.tidy(() =>
        [built.model, loaded.model].map((m) => (m.predict(x) as tf.Tensor).arraySync()),
      );
      expect(b).toEqual(a);
      x.dispose();
      built.model.dispose();
      loaded.model.dispose();
    },
  );

  it('rejects a weights file of the wrong size, naming it', async () => {
    const built = buildModel({ architecture: 'mlp', inputShape: [2], numClasses: 2 });
    const directory = await temporaryDirectory();
    await saveModel(directory, built);
    const weightsPath = join(directory, MODEL_FILES.weights);
    const bytes = await readFile(weightsPath);
    await writeFile(weightsPath, bytes.subarray(0, bytes.length - 8));
    const error = await loadModel(directory).catch((e: unknown) => e);
    expect(ModelError.isInstance(error)).toBe(true);
    expect((error as ModelError).code).toBe('E_CORRUPT_MODEL');
    expect((error as Error).message).toContain(weightsPath);
    built.model.dispose();
  });

  it('reports a missing folder as E_NOT_FOUND', async () => {
    const error = await loadModel(join(tmpdir(), 'does-not-exist-none')).catch((e: unknown) => e);
    expect((error as ModelError).code).toBe('E_NOT_FOUND');
  });
});
