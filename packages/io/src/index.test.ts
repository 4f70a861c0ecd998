import { describe, expect, it } from 'vitest';
import * as io from './index';

describe('@none/io public surface', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(io).sort()).toMatchInlineSnapshot(`
      [
        "IoError",
        "writeFileAtomic",
      ]
    `);
  });
});
