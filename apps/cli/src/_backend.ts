import { type InitBackendResult, initBackend } from '@none/backend';
import * as tf from '@tensorflow/tfjs-core';

/** The `--backend` and `--threads` options every command that runs a model takes. */
export const BACKEND_ARGS = {
  backend: { type: 'string', description: 'auto | tensorflow | wasm | cpu', default: 'auto' },
  threads: {
    type: 'string',
    description:
      'wasm threads (default: one per core, up to 8; results are identical for any count)',
  },
} as const;

/** Initialises the backend those options ask for. */
export function initBackendFromArgs(args: {
  backend?: string;
  threads?: string;
}): Promise<InitBackendResult> {
  // PROD silences tfjs's console banner ("Hi, looks like you are running TensorFlow.js in
  // Node.js ...") that the cpu backend prints on first use; the CLI says which backend runs.
  tf.env().set('PROD', true);
  return initBackend({
    prefer: (args.backend ?? 'auto') as 'auto',
    ...(args.threads ? { threads: Number(args.threads) } : {}),
  });
}
