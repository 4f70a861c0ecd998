export {
  type ActivationProbe,
  type ActivationProbeOptions,
  type ActivationProbeResult,
  type CollectOptions,
  createActivationProbe,
  type LayerActivations,
  type ProbeInput,
} from './activation-probe';
export { ProbeError, type ProbeErrorCode } from './errors';
export { fractionNonNegative } from './linearity';
export {
  collectPatterns,
  type LayerPattern,
  type PatternProbeOptions,
  type PatternProbeResult,
} from './pattern-probe';
