export { type BaselinesConfig, baselinesSchema } from './baselines.schema';
