import { expect, it } from 'vitest';
import * as api from './index';

// The public surface of @none/baselines: a change to it shows here and needs a changeset.
it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot();
});
