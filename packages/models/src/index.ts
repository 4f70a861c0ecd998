export {
  activationLayer,
  LEAKY_RELU_ALPHA,
  registerCustomLayers,
  Tanhshrink,
} from './activations';
export { ALEXNET_DROPOUT, buildAlexnet } from './alexnet';
export { buildModel, type ModelOptions } from './build-model';
export { type CutModel, type CutModelOptions, cutModel } from './cut-model';
export { describeNeurons } from './describe-neurons';
export { ModelError, type ModelErrorCode } from './errors';
export { buildMlp, MLP_HIDDEN_LAYERS, MLP_HIDDEN_UNITS } from './mlp';
export { ACTIVATION_NAMES, type ActivationName, ARCHITECTURES, type Architecture } from './names';
export { buildNin, NIN_DROPOUT } from './nin';
export { type ResetMode, type ResetNeuronsOptions, resetNeurons } from './reset-neurons';
export { buildResnet18, buildResnet34, RESNET_BLOCKS } from './resnet';
export { loadLayersModelFile, loadModel, MODEL_FILES, saveModel } from './save-load';
export { SeededDropout, type SeededDropoutArgs, setDropoutStep } from './seeded-dropout';
export { buildSmallCnn } from './small-cnn';
export type {
  BuiltModel,
  ModelBuildOptions,
  ModelMetadata,
  NeuronConsumer,
  NeuronLayer,
} from './types';
export { prepareUserModel, type UserModelOptions } from './user-model';
export { buildVgg11, buildVgg16, VGG_CONFIGS, type VggOptions } from './vgg';
export { buildWrn16, WRN_DEPTH, type WrnOptions } from './wrn';
