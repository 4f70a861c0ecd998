import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '@none/models';
import * as tfl from '@tensorflow/tfjs-layers';
import { renderUsage, runCommand } from 'citty';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import attack from './commands/attack';
import evaluate from './commands/eval';
import scan from './commands/scan';
import train from './commands/train';
import { main } from './main';

const directories: string[] = [];
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'none-cli-'));
  directories.push(directory);
  return directory;
}
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('none', () => {
  it('documents every command and its options', async () => {
    const usage = await renderUsage(main);
    for (const command of ['train', 'attack', 'eval', 'scan']) expect(usage).toContain(command);
    const trainUsage = await renderUsage(train);
    for (const option of ['--config', '--out', '--resume', '--seed', '--backend'])
      expect(trainUsage).toContain(option);
  });

  it('rejects an invalid config with one message naming every bad field', async () => {
    const directory = await temporaryDirectory();
    const file = join(directory, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ training: { epochs: 0 }, model: { architecture: 'lenet' }, nonsense: 1 }),
    );
    await runCommand(train, { rawArgs: ['--config', file, '--out', join(directory, 'out')] });
    expect(process.exitCode).toBe(1);
    expect(stderr).toContain(`invalid experiment config in ${file}`);
    expect(stderr).toContain('training.epochs');
    expect(stderr).toContain('model.architecture');
    expect(stderr).toContain('nonsense');
    expect(stderr).not.toContain('    at '); // no stack trace
  });

  it('names a config file that is not JSON', async () => {
    const directory = await temporaryDirectory();
    const file = join(directory, 'broken.json');
    await writeFile(file, '{ "seed": ');
    await runCommand(train, { rawArgs: ['--config', file] });
    expect(process.exitCode).toBe(1);
    expect(stderr).toMatch(/config file .*broken\.json is not valid JSON/);
  });

  it('rejects a bad invocation in one line before any work: unknown options, a file as --out, a missing model', async () => {
    const directory = await temporaryDirectory();
    const file = join(directory, 'a-file');
    await writeFile(file, 'not a folder');
    const run = (command: 'train' | 'eval', rawArgs: string[]) =>
      command === 'train' ? runCommand(train, { rawArgs }) : runCommand(evaluate, { rawArgs });
    const cases: ['train' | 'eval', string[], RegExp][] = [
      ['train', ['--epochs', '3'], /^none: train: unknown option --epochs\n$/],
      ['train', ['--ot', 'x'], /^none: train: unknown option --ot \(did you mean --out\?\)\n$/],
      ['train', ['--out', file], /^none: --out .*a-file is a file, not a folder\n$/],
      [
        'train',
        ['--out', join(file, 'sub')],
        /^none: --out .* cannot be written \(a part of the path is a file\)\n$/,
      ],
      [
        'train',
        ['--model', join(directory, 'missing.json'), '--out', join(directory, 'o')],
        /^none: loadModel: no file or folder .*missing\.json\n$/,
      ],
      [
        'eval',
        ['--modle', 'x'],
        /^none: eval: unknown option --modle \(did you mean --model\?\)\n$/,
      ],
    ];
    for (const [command, rawArgs, message] of cases) {
      stderr = '';
      process.exitCode = undefined;
      const started = performance.now();
      await run(command, rawArgs);
      expect(process.exitCode, rawArgs.join(' ')).toBe(1);
      expect(stderr).toMatch(message);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it('trains a tfjs LayersModel given as --model (fused activations, softmax output)', async () => {
    const directory = await temporaryDirectory();
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [28, 28, 1],
          filters: 4,
          kernelSize: 3,
          strides: 2,
          activation: 'relu',
        }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 16, activation: 'relu' }),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    await saveModel(join(directory, 'user'), {
      model,
      metadata: { format: 1, architecture: 'custom', neurons: [] },
    });
    model.dispose();
    const config = join(directory, 'quick.json');
    await writeFile(config, JSON.stringify({ training: { epochs: 2 }, none: { warmupEpochs: 1 } }));
    const out = join(directory, 'run');
    await runCommand(train, {
      rawArgs: [
        '--model',
        join(directory, 'user', 'model.json'),
        '--config',
        config,
        '--out',
        out,
        '--quiet',
        '--backend',
        'wasm',
      ],
    });
    expect(process.exitCode).toBeUndefined();
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(report.config.model).toEqual({ architecture: 'custom' });
    expect(report.undefended.ba).toBeGreaterThan(0.5);
    expect(stdout).toContain('NONE (signature)');
    await runCommand(evaluate, { rawArgs: ['--model', join(out, 'model'), '--backend', 'wasm'] });
    expect(stdout).toMatch(/BA \d+\.\d+% on 2000 test samples/);
  });

  it('trains with and without NONE, writes the report, then evaluates the saved model', async () => {
    const directory = await temporaryDirectory();
    const config = join(directory, 'quick.json');
    await writeFile(
      config,
      JSON.stringify({
        model: { architecture: 'small-cnn', width: 0.5 },
        training: { epochs: 2 },
        none: { warmupEpochs: 1, rounds: 1, epochsPerRound: 1, retrain: false },
      }),
    );
    const out = join(directory, 'run');
    await runCommand(train, {
      rawArgs: ['--config', config, '--out', out, '--quiet', '--backend', 'wasm'],
    });
    expect(process.exitCode).toBeUndefined();
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(report.undefended.ba).toBeGreaterThan(0.8);
    expect(report.defended.rounds).toHaveLength(1);
    expect(stdout).toContain('undefended');
    expect(stdout).toContain('NONE (signature)');
    await runCommand(evaluate, {
      rawArgs: ['--model', join(out, 'undefended-model'), '--config', config, '--backend', 'wasm'],
    });
    expect(stdout).toContain(`BA ${(report.undefended.ba * 100).toFixed(2)}%`);
    expect(stdout).toContain(`ASR ${(report.undefended.asr * 100).toFixed(2)}%`);
    stdout = '';
    await runCommand(scan, {
      rawArgs: [
        '--model',
        join(out, 'model'),
        '--budgets',
        '0.02,0.04',
        '--steps',
        '5',
        '--samples',
        '20',
        '--backend',
        'wasm',
      ],
    });
    expect(stdout).toMatch(/budget {2}2%: REASR \d+\.\d\d% \(target \d\)/);
    expect(stdout).toMatch(/mean REASR \d+\.\d\d% over 20 images/);
  });

  it('writes a poisoned training set whose manifest matches the report of a train run', async () => {
    const out = join(await temporaryDirectory(), 'poisoned');
    await runCommand(attack, { rawArgs: ['--out', out, '--seed', '3'] });
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.counts.poisoned).toBe(400);
    expect(manifest.seed).toBe(3);
    expect(stdout).toContain(manifest.sha256.images);
  });
});
