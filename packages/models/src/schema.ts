export {
  MODEL_DEFAULTS,
  type ModelConfig,
  type ModelConfigInput,
  modelConfigSchema,
} from './model.schema';
