export { BackendError, type BackendErrorCode, type BackendErrorOptions } from './errors';
export {
  type BackendPreference,
  gpuVisible,
  type InitBackendOptions,
  type InitBackendResult,
  initBackend,
} from './init-backend';
export {
  type KernelProfileEntry,
  type ProfileKernelsResult,
  profileKernels,
} from './profile-kernels';
export {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from './register-wasm-training-kernels';
