import { ModelError } from './errors';
import { ACTIVATION_NAMES } from './names';
import type { Architecture, ModelBuildOptions } from './types';

/** Fills defaults and checks the options every builder takes. */
export function resolveBuildOptions(
  architecture: Architecture,
  options: ModelBuildOptions,
  expectedRank?: 3,
): Required<ModelBuildOptions> {
  const { inputShape, numClasses, width = 1, activation = 'relu', seed = 0 } = options;
  const where = `build ${architecture}`;
  if (!Array.isArray(inputShape) || inputShape.length === 0) {
    throw new ModelError(
      'E_INVALID_ARGUMENT',
      `${where}: inputShape must be a non-empty array, got ${JSON.stringify(inputShape)}`,
    );
  }
  if (inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ModelError(
      'E_INVALID_ARGUMENT',
      `${where}: inputShape must hold positive integers, got [${inputShape.join(', ')}]`,
    );
  }
  if (expectedRank !== undefined && inputShape.length !== expectedRank) {
    throw new ModelError(
      'E_INVALID_ARGUMENT',
      `${where}: inputShape must be [height, width, channels], got [${inputShape.join(', ')}]`,
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new ModelError(
      'E_INVALID_ARGUMENT',
      `${where}: numClasses must be an integer >= 2, got ${numClasses}`,
    );
  }
  if (!(width > 0) || !Number.isFinite(width)) {
    throw new ModelError(
      'E_INVALID_ARGUMENT',
      `${where}: width must be a positive number, got ${width}`,
    );
  }
  if (!ACTIVATION_NAMES.includes(activation)) {
    throw new ModelError(
      'E_INVALID_ARGUMENT',
      `${where}: activation must be one of ${ACTIVATION_NAMES.join(', ')}, got ${String(activation)}`,
    );
  }
  if (!Number.isInteger(seed)) {
    throw new ModelError('E_INVALID_ARGUMENT', `${where}: seed must be an integer, got ${seed}`);
  }
  return { inputShape: [...inputShape], numClasses, width, activation, seed };
}
