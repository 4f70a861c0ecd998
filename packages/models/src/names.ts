// Plain names, free of tfjs, so `@none/models/schema` can use them without loading tfjs.

/** The activation functions of the paper (§8.2, Table 10). */
export type ActivationName = 'relu' | 'leakyRelu' | 'elu' | 'tanhshrink' | 'softplus';

export const ACTIVATION_NAMES: readonly ActivationName[] = [
  'relu',
  'leakyRelu',
  'elu',
  'tanhshrink',
  'softplus',
];

/** The architectures `buildModel` knows. */
export type Architecture =
  | 'mlp'
  | 'small-cnn'
  | 'nin'
  | 'vgg11'
  | 'vgg16'
  | 'resnet18'
  | 'resnet34'
  | 'wrn16'
  | 'alexnet';

export const ARCHITECTURES: readonly Architecture[] = [
  'mlp',
  'small-cnn',
  'nin',
  'vgg11',
  'vgg16',
  'resnet18',
  'resnet34',
  'wrn16',
  'alexnet',
];
