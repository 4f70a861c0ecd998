// Registers the run kinds that are not a plain runExperiment. Imported for its effect by every
// module that executes runs (the runner, its worker processes, the queue worker).
import { registerAdaptiveKind } from './adaptive';
import { registerFederatedKind } from './federated';

registerAdaptiveKind();
registerFederatedKind();
