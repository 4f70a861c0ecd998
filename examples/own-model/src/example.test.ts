import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@none/backend';
import { loadLayersModelFile } from '@none/models';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDemoFolder } from './demo-folder';
import { trainOwnModel } from './train-own-model';

await initBackend({ prefer: 'wasm' });

const directories: string[] = [];
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

describe('your own model on your own image folder', () => {
  it('removes the poisoned images of a planted backdoor and saves a loadable model', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'none-example-'));
    directories.push(directory);
    const demo = await writeDemoFolder(directory, { perClass: 150, testPerClass: 40, rate: 0.15 });
    const { report, removedFiles, model } = await trainOwnModel({
      train: demo.train,
      test: demo.test,
      outDir: join(directory, 'run'),
      epochs: 8,
    });
    const truth = new Set(demo.poisoned);
    const hits = removedFiles.filter((file) => truth.has(file)).length;
    // The removal is checked against the files the demo poisoned (an oracle the example never sees).
    expect(removedFiles.length).toBeGreaterThan(0);
    expect(hits / removedFiles.length).toBeGreaterThanOrEqual(0.9);
    expect(hits / truth.size).toBeGreaterThanOrEqual(0.9);
    expect(report.defended?.ba).toBeGreaterThan(0.8);
    const saved = await loadLayersModelFile(join(directory, 'run', 'model'));
    expect(saved.getWeights().length).toBe(model.getWeights().length);
    saved.dispose();
    model.dispose();
  });
});
