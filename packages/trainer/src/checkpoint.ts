import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@none/io';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TrainerError } from './errors';
import type { OptimizerState } from './optimizer';

const STATE_FILE = 'state.json';

/** What a checkpoint holds besides tensors: any JSON the runner needs to continue. */
export interface CheckpointContents<State> {
  state: State;
  /** Every model weight (trainable and not, e.g. BatchNorm statistics), in `model.weights` order. */
  weights: Float32Array[];
  optimizer?: OptimizerState;
  /** Further arrays a runner needs back (e.g. NAD's teacher weights). */
  extra?: Float32Array[];
}

interface StateFile<State> {
  format: 1;
  binary: string;
  weightLengths: number[];
  optimizer?: { type: OptimizerState['type']; step: number; slotLengths: number[] };
  extraLengths?: number[];
  state: State;
}

/** Writes `contents` so that a kill at any moment leaves the previous or the new checkpoint. */
export async function writeCheckpoint<State>(
  directory: string,
  contents: CheckpointContents<State>,
): Promise<void> {
  await mkdir(directory, { recursive: true });
  // A unique file name (not a modelling choice, so no seed): the state file points to it.
  const token = `${Date.now().toString(36)}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const binary = `tensors-${token}.bin`;
  const parts = [
    ...contents.weights,
    ...(contents.optimizer?.slots ?? []),
    ...(contents.extra ?? []),
  ];
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const buffer = new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    buffer.set(part, offset);
    offset += part.length;
  }
  await writeFileAtomic(join(directory, binary), new Uint8Array(buffer.buffer));
  const file: StateFile<State> = {
    format: 1,
    binary,
    weightLengths: contents.weights.map((w) => w.length),
    ...(contents.optimizer
      ? {
          optimizer: {
            type: contents.optimizer.type,
            step: contents.optimizer.step,
            slotLengths: contents.optimizer.slots.map((s) => s.length),
          },
        }
      : {}),
    ...(contents.extra ? { extraLengths: contents.extra.map((e) => e.length) } : {}),
    state: contents.state,
  };
  await writeFileAtomic(join(directory, STATE_FILE), JSON.stringify(file));
  for (const name of await readdir(directory)) {
    if (name.startsWith('tensors-') && name !== binary)
      await rm(join(directory, name), { force: true });
  }
}

/** Reads a checkpoint written by `writeCheckpoint`, or undefined when the folder has none. */
export async function readCheckpoint<State>(
  directory: string,
): Promise<CheckpointContents<State> | undefined> {
  let text: string;
  try {
    text = await readFile(join(directory, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  let file: StateFile<State>;
  try {
    file = JSON.parse(text) as StateFile<State>;
  } catch (cause) {
    throw new TrainerError(
      'E_CHECKPOINT',
      `checkpoint ${join(directory, STATE_FILE)} is not valid JSON`,
      { cause },
    );
  }
  const binaryPath = join(directory, file.binary);
  let bytes: Buffer;
  try {
    bytes = await readFile(binaryPath);
  } catch (cause) {
    throw new TrainerError('E_CHECKPOINT', `checkpoint tensors ${binaryPath} are missing`, {
      cause,
    });
  }
  const lengths = [
    ...file.weightLengths,
    ...(file.optimizer?.slotLengths ?? []),
    ...(file.extraLengths ?? []),
  ];
  const expected = lengths.reduce((a, b) => a + b, 0) * 4;
  if (bytes.byteLength !== expected) {
    throw new TrainerError(
      'E_CHECKPOINT',
      `checkpoint tensors ${binaryPath} hold ${bytes.byteLength} bytes, expected ${expected}`,
    );
  }
  const all = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  let offset = 0;
  const take = (length: number) => {
    const part = all.slice(offset, offset + length);
    offset += length;
    return part;
  };
  const weights = file.weightLengths.map(take);
  const optimizer = file.optimizer
    ? {
        type: file.optimizer.type,
        step: file.optimizer.step,
        slots: file.optimizer.slotLengths.map(take),
      }
    : undefined;
  const extra = file.extraLengths?.map(take);
  return {
    state: file.state,
    weights,
    ...(optimizer ? { optimizer } : {}),
    ...(extra ? { extra } : {}),
  };
}

/** Every weight of a model as plain arrays, in `model.weights` order. */
export function readModelWeights(model: tfl.LayersModel): Float32Array[] {
  return model.weights.map((weight) => weight.read().dataSync().slice() as Float32Array);
}

/** Writes plain arrays (from `readModelWeights`) back into a model of the same architecture. */
export function writeModelWeights(model: tfl.LayersModel, weights: readonly Float32Array[]): void {
  if (weights.length !== model.weights.length) {
    throw new TrainerError(
      'E_CHECKPOINT',
      `checkpoint has ${weights.length} weights, the model ${model.weights.length}`,
    );
  }
  const tensors = model.weights.map((weight, i) => {
    const shape = weight.shape as number[];
    const values = weights[i]!;
    if (values.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new TrainerError(
        'E_CHECKPOINT',
        `checkpoint weight ${weight.name} has ${values.length} values for shape [${shape.join(', ')}]`,
      );
    }
    return tf.tensor(values, shape, 'float32');
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}
