import { createRandom, type Random, type RandomOptions } from '@none/stats';
import { DataError } from './errors';

/** The caller's generator, or a fresh one from its seed; neither given is an error. */
export function resolveRandom(options: RandomOptions, caller: string): Random {
  if (options.random !== undefined) return options.random;
  if (options.seed !== undefined) return createRandom(options.seed);
  throw new DataError(
    'E_INVALID_ARGUMENT',
    `${caller}: pass a seed or a random generator (randomness is always seeded)`,
  );
}
