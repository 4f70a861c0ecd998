export {
  type NoneConfig,
  noneSchema,
  optimizerSchema,
  scheduleSchema,
  TRAINING_DEFAULTS,
  type TrainingConfig,
  trainingSchema,
} from './trainer.schema';
