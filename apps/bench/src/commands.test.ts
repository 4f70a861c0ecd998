import { describe, expect, it } from 'vitest';
import { onlyFilter, parseSeeds } from './commands';

describe('bench command arguments', () => {
  it('parses --seeds lists and ranges', () => {
    expect(parseSeeds('0,1,2')).toEqual([0, 1, 2]);
    expect(parseSeeds('3-5, 9')).toEqual([3, 4, 5, 9]);
    expect(parseSeeds('7')).toEqual([7]);
  });

  it('rejects bad --seeds, naming the item', () => {
    expect(() => parseSeeds('0,x')).toThrow(/got "x"/);
    expect(() => parseSeeds('5-3')).toThrow(/5-3 runs backwards/);
    expect(() => parseSeeds('1,0-2')).toThrow(/1 is given twice/);
    expect(() => parseSeeds('-1')).toThrow(/got "-1"/);
  });

  it('--only keeps a run whose id contains any of the comma-separated texts', () => {
    const keep = onlyFilter('small-cnn/NONE, small-cnn/abl');
    const ids = [
      'badnets-single/small-cnn/NONE/seed0',
      'badnets-single/small-cnn/nad/seed0',
      'badnets-single/small-cnn/abl/seed1',
      'badnets-single/nin-w0.25/NONE/seed0',
    ];
    expect(ids.filter((id) => keep({ id }))).toEqual([ids[0], ids[2]]);
    expect(() => onlyFilter(' , ')).toThrow(/expected some text/);
  });
});
