import type { ExperimentEvent } from '@none/experiment';
import type { RunResult, RunSpec, Scale } from './types';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Parent → worker. */
export type ParentMessage =
  | {
      type: 'run';
      spec: RunSpec;
      suite: string;
      scale: Scale;
      outDir: string;
      backend: BackendChoice;
    }
  | { type: 'exit' };

/** Worker → parent. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'event'; id: string; event: ExperimentEvent }
  | { type: 'result'; result: RunResult }
  | { type: 'error'; id: string; message: string; stack: string };
