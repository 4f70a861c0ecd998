import { loadImageFolder } from '@none/data';
import {
  type ExperimentEvent,
  type ExperimentReport,
  type TrainWithNoneOptions,
  trainWithNone,
} from '@none/experiment';
import { saveModel } from '@none/models';
import * as tfl from '@tensorflow/tfjs-layers';

/** Your model, written the usual tfjs way: fused ReLUs, a softmax output. */
export function myModel(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 24, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 48, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

export interface OwnModelResult {
  report: ExperimentReport;
  /** The training files NONE removed as poisoned. */
  removedFiles: string[];
  model: tfl.LayersModel;
}

/**
 * Trains `myModel()` with NONE on an image folder (`train/<class>/*.png`, `test/...`), saves
 * the defended model to `outDir/model`, and returns the report and the files NONE removed.
 */
export async function trainOwnModel(options: {
  train: string;
  test: string;
  outDir: string;
  epochs?: number;
  seed?: number;
  /** NONE's options (default: the `signature` variant's). */
  none?: TrainWithNoneOptions['none'];
  onEvent?: (event: ExperimentEvent) => void;
}): Promise<OwnModelResult> {
  const train = await loadImageFolder({ directory: options.train, size: 28, channels: 1 });
  const test = await loadImageFolder({
    directory: options.test,
    size: 28,
    channels: 1,
    ...(train.classNames ? { classNames: train.classNames } : {}),
  });
  const model = myModel();
  const { report } = await trainWithNone(model, {
    train,
    test,
    seed: options.seed ?? 0,
    training: { epochs: options.epochs ?? 10, batchSize: 32 },
    dataName: options.train,
    ...(options.none ? { none: options.none } : {}),
    outDir: options.outDir,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  await saveModel(`${options.outDir}/model`, {
    model,
    metadata: { format: 1, architecture: 'custom', neurons: [] },
  });
  return { report, removedFiles: report.removedIndices.map((i) => train.files[i]!), model };
}
