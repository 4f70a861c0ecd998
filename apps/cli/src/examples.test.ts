import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigArgument } from './_config';

// The held-out settings of examples/unlisted-settings: every file must load as `none train
// --config` loads it, and the README's table must list each with the seed the file holds.
const directory = join(__dirname, '..', '..', '..', 'examples', 'unlisted-settings');
const files = readdirSync(directory).filter((f) => f.endsWith('.json'));

describe('examples/unlisted-settings', () => {
  it('loads every config as `none train --config` does', async () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) await loadConfigArgument(join(directory, file));
  });

  it("lists every config in the README's table with the seed it holds, one seed each", async () => {
    const readme = readFileSync(join(directory, 'README.md'), 'utf8');
    const rows = new Map<string, number>();
    for (const match of readme.matchAll(/^\| `([^`]+\.json)` \| (\d+) \|/gm)) {
      rows.set(match[1]!, Number(match[2]));
    }
    expect([...rows.keys()].sort()).toEqual([...files].sort());
    for (const file of files) {
      const config = await loadConfigArgument(join(directory, file));
      expect(config.seed, file).toBe(rows.get(file));
    }
    expect(new Set(rows.values()).size).toBe(files.length);
  });
});
