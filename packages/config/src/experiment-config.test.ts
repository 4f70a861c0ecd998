import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFENSES } from '@none/experiment';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors';
import {
  experimentConfigSchema,
  parseExperimentConfig,
  readExperimentConfig,
  toExperimentOptions,
} from './experiment-config';

const directories: string[] = [];
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));
async function file(name: string, text: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'none-config-'));
  directories.push(directory);
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

describe('parseExperimentConfig', () => {
  it('fills the documented defaults: the embedded MNIST, BadNets 3x3 at 5%, the small CNN, NONE signature', () => {
    const config = parseExperimentConfig({});
    expect(config.seed).toBe(0);
    expect(config.dataset).toMatchObject({ type: 'embedded-mnist' });
    expect(config.attack).toMatchObject({ type: 'badnets' });
    expect(config.poisonRate).toBe(0.05);
    expect(config.model.architecture).toBe('small-cnn');
    expect(config.training).toMatchObject({ epochs: 10, batchSize: 128 });
    expect(config.defense).toBe('NONE');
    expect(config.none.variant).toBe('signature');
    // Schedules are resolved per variant by the runner, not fixed here.
    expect(config.none.warmupEpochs).toBeUndefined();
    expect(config.none.rounds).toBeUndefined();
  });

  it('keeps null as clean data and a given seed', () => {
    const config = parseExperimentConfig({ attack: null, seed: 7 });
    expect(config.attack).toBeNull();
    expect(config.seed).toBe(7);
  });

  it('names every bad field by its path in one error', () => {
    let error: unknown;
    try {
      parseExperimentConfig(
        { training: { epochs: 0 }, none: { variant: 'magic' }, poisonRate: 2, extra: 1 },
        'my.json',
      );
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    const message = (error as ConfigError).message;
    expect(message).toContain('invalid experiment config in my.json');
    for (const path of ['training.epochs', 'none.variant', 'poisonRate', 'extra'])
      expect(message).toContain(path);
    expect((error as ConfigError).code).toBe('E_INVALID_CONFIG');
  });

  it('accepts the signature options and rejects out-of-range ones', () => {
    const config = parseExperimentConfig({
      none: { warmupEpochs: 'auto', warmupAccuracy: 0.95, signature: { minGroup: 10 } },
    });
    expect(config.none.signature).toEqual({ minGroup: 10 });
    expect(() => parseExperimentConfig({ none: { warmupAccuracy: 1.5 } })).toThrow(
      /warmupAccuracy/,
    );
    expect(() => parseExperimentConfig({ none: { signature: { groupOn: -1 } } })).toThrow(
      /none\.signature\.groupOn/,
    );
  });
});

describe('readExperimentConfig', () => {
  it('reads JSON and YAML to the same config', async () => {
    const json = await readExperimentConfig(
      await file('a.json', JSON.stringify({ seed: 3, training: { epochs: 4 } })),
    );
    const yaml = await readExperimentConfig(
      await file('a.yaml', 'seed: 3\ntraining:\n  epochs: 4\n'),
    );
    expect(yaml).toEqual(json);
    expect(json.training.epochs).toBe(4);
  });

  it('says which file cannot be read or parsed', async () => {
    await expect(readExperimentConfig('/nonexistent/none.json')).rejects.toThrow(
      /cannot read config file \/nonexistent\/none\.json/,
    );
    await expect(readExperimentConfig(await file('b.json', '{ nope'))).rejects.toThrow(
      /b\.json is not valid JSON/,
    );
  });
});

describe('toExperimentOptions', () => {
  it('maps a config to runner options: attack and rate together, a multistep schedule at 70%', () => {
    const options = toExperimentOptions(parseExperimentConfig({ training: { epochs: 20 } }));
    expect(options.attack).toMatchObject({ rate: 0.05, config: { type: 'badnets' } });
    expect(options.training.schedule).toEqual({ type: 'multistep', milestones: [14], gamma: 0.1 });
    expect(toExperimentOptions(parseExperimentConfig({ attack: null })).attack).toBeNull();
  });

  it('gives the earlier variants their 3 warm-up epochs and leaves signature to the runner', () => {
    const consensus = toExperimentOptions(
      parseExperimentConfig({ none: { variant: 'consensus' } }),
    );
    expect(consensus.none?.warmupEpochs).toBe(3);
    const given = toExperimentOptions(
      parseExperimentConfig({ none: { variant: 'paper', warmupEpochs: 5 } }),
    );
    expect(given.none?.warmupEpochs).toBe(5);
    expect(toExperimentOptions(parseExperimentConfig({})).none?.warmupEpochs).toBeUndefined();
  });
});

describe('experimentConfigSchema', () => {
  it("offers exactly the experiment runner's defenses (its DEFENSES registry, and none)", () => {
    const names = experimentConfigSchema.shape.defense.unwrap().options;
    expect([...names].sort()).toEqual(['none', ...Object.keys(DEFENSES)].sort());
  });
});
