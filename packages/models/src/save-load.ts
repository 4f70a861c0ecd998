import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerCustomLayers } from './activations';
import { ModelError } from './errors';
import type { BuiltModel, ModelMetadata } from './types';

/** File names inside a saved-model folder. */
export const MODEL_FILES = {
  topology: 'model.json',
  weights: 'weights.bin',
  metadata: 'metadata.json',
} as const;

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

function joinWeightData(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  const total = data.reduce((sum, part) => sum + part.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of data) {
    joined.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return joined;
}

/**
 * Saves a model and its metadata to a folder: `model.json` (tfjs topology and weights
 * manifest, the layout of tfjs `file://` saves), `weights.bin` and `metadata.json`. Each
 * file is written to a temporary name and renamed, so a killed save never leaves a
 * half-written file under the final name. Works without `@tensorflow/tfjs-node`.
 *
 * @example
 * await saveModel('runs/mnist/model', buildSmallCnn({ inputShape: [28, 28, 1], numClasses: 10 }));
 */
export async function saveModel(directory: string, built: BuiltModel): Promise<void> {
  await mkdir(directory, { recursive: true });
  let saved: tf.io.ModelArtifacts | undefined;
  await built.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved?.weightData === undefined || saved.weightSpecs === undefined) {
    throw new ModelError('E_CORRUPT_MODEL', `saveModel: tfjs returned no weights for ${directory}`);
  }
  const weights = joinWeightData(saved.weightData as ArrayBuffer | ArrayBuffer[]);
  await writeAtomic(join(directory, MODEL_FILES.weights), weights);
  const topology = {
    format: 'layers-model',
    generatedBy: '@none/models',
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [MODEL_FILES.weights], weights: saved.weightSpecs }],
  };
  await writeAtomic(join(directory, MODEL_FILES.topology), JSON.stringify(topology));
  await writeAtomic(
    join(directory, MODEL_FILES.metadata),
    `${JSON.stringify(built.metadata, null, 2)}\n`,
  );
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ModelError('E_NOT_FOUND', `loadModel: cannot read ${path}`, { cause });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new ModelError('E_CORRUPT_MODEL', `loadModel: ${path} is not valid JSON`, { cause });
  }
}

/**
 * Loads a folder written by `saveModel`. The caller owns the returned model.
 *
 * @throws {ModelError} `E_NOT_FOUND` for a missing file, `E_CORRUPT_MODEL` when the files
 * do not describe a model (bad JSON, weights of the wrong size).
 */
export async function loadModel(directory: string): Promise<BuiltModel> {
  registerCustomLayers();
  const topologyPath = join(directory, MODEL_FILES.topology);
  const topology = await readJson(topologyPath);
  const metadata = (await readJson(
    join(directory, MODEL_FILES.metadata),
  )) as unknown as ModelMetadata;
  const manifest = topology.weightsManifest as
    | Array<{ weights: tf.io.WeightsManifestEntry[] }>
    | undefined;
  const weightSpecs = manifest?.flatMap((group) => group.weights);
  if (topology.modelTopology === undefined || weightSpecs === undefined) {
    throw new ModelError(
      'E_CORRUPT_MODEL',
      `loadModel: ${topologyPath} has no modelTopology or weightsManifest`,
    );
  }
  const weightsPath = join(directory, MODEL_FILES.weights);
  let buffer: Buffer;
  try {
    buffer = await readFile(weightsPath);
  } catch (cause) {
    throw new ModelError('E_NOT_FOUND', `loadModel: cannot read ${weightsPath}`, { cause });
  }
  const expectedBytes = weightSpecs.reduce(
    (sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * 4,
    0,
  );
  if (buffer.byteLength !== expectedBytes) {
    throw new ModelError(
      'E_CORRUPT_MODEL',
      `loadModel: ${weightsPath} holds ${buffer.byteLength} bytes, the manifest expects ${expectedBytes}`,
    );
  }
  const weightData = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: topology.modelTopology as object, weightSpecs, weightData }),
  );
  return { model, metadata };
}
