import * as tfl from '@tensorflow/tfjs-layers';
import { activationLayer, registerCustomLayers } from './activations';
import { ModelError } from './errors';
import type { ActivationName } from './names';
import { SeededDropout } from './seeded-dropout';

type Padding = 'same' | 'valid';

/** Mixes the model seed with a layer counter into a 31-bit seed (splitmix-style). */
function mixSeed(seed: number, index: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index, 0xc2b2ae35)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return (h >>> 1) % 2147483647;
}

/**
 * Builds tfjs functional graphs layer by layer with deterministic names and seeded,
 * PyTorch-default initialisation: kernels `U(-1/sqrt(fanIn), 1/sqrt(fanIn))`
 * (kaiming_uniform with a = sqrt 5) and biases `U(-1/sqrt(fanIn), 1/sqrt(fanIn))`, so the
 * models start where the paper's PyTorch models start (or He-normal kernels on request). Convolutions and dense layers never
 * fuse their activation: the pre-activation value the probe reads is a layer output.
 */
export class NetworkBuilder {
  private layerIndex = 0;

  constructor(
    private readonly seed: number,
    readonly activation: ActivationName,
    /** `pytorch`: kernels U(+-1/sqrt(fanIn)); `he`: N(0, 2/fanIn) (truncated). */
    private readonly kernelInit: 'pytorch' | 'he' = 'pytorch',
  ) {}

  private nextSeed(): number {
    this.layerIndex += 1;
    return mixSeed(this.seed, this.layerIndex);
  }

  private initializers(fanIn: number, useBias: boolean) {
    const bound = 1 / Math.sqrt(fanIn);
    const kernelInitializer = tfl.initializers.varianceScaling({
      // He (kaiming normal) keeps the signal of deep stacks without BatchNorm alive;
      // PyTorch's default, U(+-1/sqrt(fanIn)), shrinks it about 2.4x per layer.
      scale: this.kernelInit === 'he' ? 2 : 1 / 3,
      mode: 'fanIn',
      distribution: this.kernelInit === 'he' ? 'normal' : 'uniform',
      seed: this.nextSeed(),
    });
    const biasInitializer = useBias
      ? tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.nextSeed() })
      : undefined;
    return { kernelInitializer, biasInitializer };
  }

  input(shape: readonly number[], name = 'input'): tfl.SymbolicTensor {
    return tfl.input({ shape: [...shape], name });
  }

  conv(
    x: tfl.SymbolicTensor,
    name: string,
    filters: number,
    kernelSize: number | [number, number],
    options: { strides?: number; padding?: Padding; useBias?: boolean } = {},
  ): tfl.SymbolicTensor {
    const { strides = 1, padding = 'same', useBias = true } = options;
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    const inChannels = x.shape[x.shape.length - 1] as number;
    const layer = tfl.layers.conv2d({
      name,
      filters,
      kernelSize: [kh, kw],
      strides,
      padding,
      useBias,
      activation: 'linear',
      ...this.initializers(kh * kw * inChannels, useBias),
    });
    return layer.apply(x) as tfl.SymbolicTensor;
  }

  dense(
    x: tfl.SymbolicTensor,
    name: string,
    units: number,
    options: { useBias?: boolean } = {},
  ): tfl.SymbolicTensor {
    const { useBias = true } = options;
    if (x.shape.length !== 2) {
      throw new ModelError(
        'E_INVALID_ARGUMENT',
        `dense layer ${name}: expected a rank-2 input, got shape [${x.shape.join(', ')}]; flatten first`,
      );
    }
    const layer = tfl.layers.dense({
      name,
      units,
      useBias,
      activation: 'linear',
      ...this.initializers(x.shape[1] as number, useBias),
    });
    return layer.apply(x) as tfl.SymbolicTensor;
  }

  /** BatchNorm with PyTorch's defaults (momentum 0.1 = tfjs momentum 0.9, eps 1e-5). */
  batchNorm(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
    return tfl.layers
      .batchNormalization({ name, axis: -1, momentum: 0.9, epsilon: 1e-5 })
      .apply(x) as tfl.SymbolicTensor;
  }

  act(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
    return activationLayer(this.activation, name).apply(x) as tfl.SymbolicTensor;
  }

  maxPool(
    x: tfl.SymbolicTensor,
    name: string,
    poolSize: number,
    strides: number,
    padding: Padding = 'valid',
  ): tfl.SymbolicTensor {
    return tfl.layers
      .maxPooling2d({ name, poolSize, strides, padding })
      .apply(x) as tfl.SymbolicTensor;
  }

  avgPool(
    x: tfl.SymbolicTensor,
    name: string,
    poolSize: number,
    strides: number,
    padding: Padding = 'valid',
  ): tfl.SymbolicTensor {
    return tfl.layers
      .averagePooling2d({ name, poolSize, strides, padding })
      .apply(x) as tfl.SymbolicTensor;
  }

  globalAvgPool(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
    return tfl.layers.globalAveragePooling2d({ name }).apply(x) as tfl.SymbolicTensor;
  }

  flatten(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
    return tfl.layers.flatten({ name }).apply(x) as tfl.SymbolicTensor;
  }

  dropout(x: tfl.SymbolicTensor, name: string, rate: number): tfl.SymbolicTensor {
    registerCustomLayers();
    return new SeededDropout({ name, rate, seed: this.nextSeed() }).apply(x) as tfl.SymbolicTensor;
  }

  add(inputs: tfl.SymbolicTensor[], name: string): tfl.SymbolicTensor {
    return tfl.layers.add({ name }).apply(inputs) as tfl.SymbolicTensor;
  }

  model(input: tfl.SymbolicTensor, output: tfl.SymbolicTensor, name: string): tfl.LayersModel {
    return tfl.model({ inputs: input, outputs: output, name });
  }
}

/** `round(channels * width)`, at least 1: the width multiplier of every builder. */
export function scaleChannels(channels: number, width: number): number {
  return Math.max(1, Math.round(channels * width));
}

/** Spatial size after a `same`-padded stride-s op. */
export function sameOutputSize(size: number, stride: number): number {
  return Math.ceil(size / stride);
}
