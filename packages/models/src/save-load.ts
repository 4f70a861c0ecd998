import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic as writeAtomic } from '@none/io';
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
 * Loads a tfjs LayersModel saved the usual way (`model.save('file://dir')` with tfjs-node,
 * `saveModel` here, or a browser download): `path` is its `model.json` or the folder that
 * holds one; the weight files its manifest names are read beside it. Works without
 * `@tensorflow/tfjs-node`. The caller owns the returned model.
 *
 * @example
 * const model = await loadLayersModelFile('my-model/model.json');
 * @throws {ModelError} `E_NOT_FOUND` for a missing file, `E_CORRUPT_MODEL` when the file is
 * not a LayersModel (a GraphModel, no topology) or its weights do not fit the manifest.
 */
export async function loadLayersModelFile(path: string): Promise<tfl.LayersModel> {
  registerCustomLayers();
  const info = await stat(path).catch(() => undefined);
  if (info === undefined)
    throw new ModelError('E_NOT_FOUND', `loadModel: no file or folder ${path}`);
  const topologyPath = info.isDirectory() ? join(path, MODEL_FILES.topology) : path;
  const topology = await readJson(topologyPath);
  if (topology.format === 'graph-model') {
    throw new ModelError(
      'E_CORRUPT_MODEL',
      `loadModel: ${topologyPath} is a tfjs GraphModel (inference only); NONE trains a LayersModel`,
    );
  }
  const manifest = topology.weightsManifest as
    | Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>
    | undefined;
  if (topology.modelTopology === undefined || manifest === undefined) {
    throw new ModelError(
      'E_CORRUPT_MODEL',
      `loadModel: ${topologyPath} is not a tfjs LayersModel (it has no modelTopology or weightsManifest)`,
    );
  }
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const parts: Buffer[] = [];
  const weightPaths = manifest
    .flatMap((group) => group.paths)
    .map((file) => join(dirname(topologyPath), file));
  for (const weightsPath of weightPaths) {
    try {
      parts.push(await readFile(weightsPath));
    } catch (cause) {
      throw new ModelError('E_NOT_FOUND', `loadModel: cannot read ${weightsPath}`, { cause });
    }
  }
  const buffer = Buffer.concat(parts);
  const bytes = { float32: 4, int32: 4, bool: 1 } as Record<string, number>;
  const expectedBytes = weightSpecs.reduce(
    (sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * (bytes[spec.dtype] ?? 4),
    0,
  );
  if (buffer.byteLength !== expectedBytes || weightSpecs.some((s) => s.quantization)) {
    throw new ModelError(
      'E_CORRUPT_MODEL',
      `loadModel: ${weightPaths.join(', ')} ${weightPaths.length === 1 ? 'holds' : 'hold'} ${buffer.byteLength} bytes, the manifest of ${topologyPath} expects ${expectedBytes}${weightSpecs.some((s) => s.quantization) ? ' (quantized weights are not supported)' : ''}`,
    );
  }
  const weightData = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  try {
    return await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology.modelTopology as object,
        weightSpecs,
        weightData,
      }),
    );
  } catch (cause) {
    throw new ModelError(
      'E_CORRUPT_MODEL',
      `loadModel: ${topologyPath} does not describe a LayersModel tfjs can build: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * Loads a folder written by `saveModel`. The caller owns the returned model.
 *
 * @throws {ModelError} `E_NOT_FOUND` for a missing file, `E_CORRUPT_MODEL` when the files
 * do not describe a model (bad JSON, weights of the wrong size).
 */
export async function loadModel(directory: string): Promise<BuiltModel> {
  const metadata = (await readJson(
    join(directory, MODEL_FILES.metadata),
  )) as unknown as ModelMetadata;
  const model = await loadLayersModelFile(join(directory, MODEL_FILES.topology));
  return { model, metadata };
}
