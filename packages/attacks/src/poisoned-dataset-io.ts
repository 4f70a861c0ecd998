import { AttackError } from './errors';
import {
  isLittleEndian,
  POISON_FORMAT_VERSION,
  type PoisonManifest,
  type PoisonResult,
  verifyPoisonResult,
} from './poison-dataset';
import { sha256Hex } from './sha256';
import type { ImageArray, ImageShape } from './types';

/**
 * File names of a poisoned dataset directory. Binary files hold raw little-endian values,
 * no header:
 * - `images.bin`: NHWC pixels, float32 or uint8 (`manifest.dataset.dtype`), shape
 *   `manifest.dataset.shape`;
 * - `labels.bin`: int32, one per image (the poisoned labels);
 * - `poisoned-indices.bin`, `noise-indices.bin`: int32, sorted ascending;
 * - `manifest.json`: the {@link PoisonManifest} plus `files` (these names), written last.
 */
export const POISONED_DATASET_FILES = {
  manifest: 'manifest.json',
  images: 'images.bin',
  labels: 'labels.bin',
  poisonedIndices: 'poisoned-indices.bin',
  noiseIndices: 'noise-indices.bin',
} as const;

type BinaryKey = 'images' | 'labels' | 'poisonedIndices' | 'noiseIndices';

function ioError(message: string, cause?: unknown): AttackError {
  return new AttackError('E_IO', message, { cause });
}

function integrityError(message: string): AttackError {
  return new AttackError('E_INTEGRITY', message);
}

function checkEndianness(fn: string) {
  if (!isLittleEndian()) {
    throw new AttackError(
      'E_UNSUPPORTED',
      `${fn}: poisoned datasets are stored little-endian; this platform is big-endian`,
    );
  }
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

async function loadNode() {
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { fs, path };
}

/**
 * Writes a poisoned dataset to `dir` (created if needed): the binary files of
 * {@link POISONED_DATASET_FILES}, then `manifest.json`. Each file is written to a temporary
 * name in `dir` and renamed into place, so readers never see a half-written file, and a
 * directory with a manifest is complete. Needs Node.
 *
 * @example
 * ```ts
 * await writePoisonedDataset('out/badnets-5pct', poisonDataset(train, attack, { rate: 0.05, seed: 1 }));
 * ```
 * @throws {AttackError} `E_INTEGRITY` when the arrays no longer match the manifest's digests;
 * `E_IO` when a file cannot be written.
 */
export async function writePoisonedDataset(dir: string, result: PoisonResult): Promise<void> {
  const fn = 'writePoisonedDataset';
  checkEndianness(fn);
  const mismatched = verifyPoisonResult(result);
  if (mismatched.length > 0) {
    throw integrityError(
      `${fn}: ${mismatched.join(', ')} no longer match the manifest's SHA-256 (modified after poisonDataset?)`,
    );
  }
  const { fs, path } = await loadNode();
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (cause) {
    throw ioError(`${fn}: cannot create directory ${dir}`, cause);
  }
  const { writeFileAtomic } = await import('@none/io');
  const write = async (name: string, data: Uint8Array | string) => {
    const target = path.join(dir, name);
    try {
      await writeFileAtomic(target, data);
    } catch (cause) {
      throw ioError(`${fn}: cannot write ${target}`, cause);
    }
  };
  const { dataset, poisonedIndices, noiseIndices, manifest } = result;
  await write(POISONED_DATASET_FILES.images, bytesOf(dataset.images));
  await write(POISONED_DATASET_FILES.labels, bytesOf(dataset.labels));
  await write(POISONED_DATASET_FILES.poisonedIndices, bytesOf(poisonedIndices));
  await write(POISONED_DATASET_FILES.noiseIndices, bytesOf(noiseIndices));
  const { manifest: _, ...files } = POISONED_DATASET_FILES;
  await write(
    POISONED_DATASET_FILES.manifest,
    `${JSON.stringify({ ...manifest, files }, null, 2)}\n`,
  );
}

function checkManifest(fn: string, file: string, value: unknown): PoisonManifest {
  const bad = (what: string) => integrityError(`${fn}: ${file}: ${what}`);
  if (typeof value !== 'object' || value === null) throw bad('not a JSON object');
  const m = value as Partial<PoisonManifest>;
  if (m.formatVersion !== POISON_FORMAT_VERSION) {
    throw bad(`formatVersion must be ${POISON_FORMAT_VERSION}, got ${String(m.formatVersion)}`);
  }
  const shape = m.dataset?.shape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 4 ||
    !shape.every((d) => Number.isInteger(d) && d >= 0)
  ) {
    throw bad(`dataset.shape must be [n, height, width, channels], got ${JSON.stringify(shape)}`);
  }
  if (m.dataset?.dtype !== 'float32' && m.dataset?.dtype !== 'uint8') {
    throw bad(
      `dataset.dtype must be 'float32' or 'uint8', got ${JSON.stringify(m.dataset?.dtype)}`,
    );
  }
  if (!Number.isInteger(m.counts?.poisoned) || !Number.isInteger(m.counts?.noise)) {
    throw bad('counts.poisoned and counts.noise must be integers');
  }
  for (const key of ['images', 'labels', 'poisonedIndices', 'noiseIndices'] as const) {
    if (typeof m.sha256?.[key] !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256[key])) {
      throw bad(`sha256.${key} must be 64 hex characters`);
    }
  }
  return m as PoisonManifest;
}

/**
 * Reads a poisoned dataset written by {@link writePoisonedDataset}, checking every file's
 * size against the manifest and its SHA-256 against the manifest's digest. Needs Node.
 *
 * @example
 * ```ts
 * const { dataset, poisonedIndices, manifest } = await readPoisonedDataset('out/badnets-5pct');
 * ```
 * @throws {AttackError} `E_INTEGRITY` when a file's size or SHA-256 differs from the
 * manifest, or the manifest is malformed; `E_IO` when a file cannot be read.
 */
export async function readPoisonedDataset(dir: string): Promise<PoisonResult> {
  const fn = 'readPoisonedDataset';
  checkEndianness(fn);
  const { fs, path } = await loadNode();
  const read = async (name: string) => {
    const file = path.join(dir, name);
    try {
      return await fs.readFile(file);
    } catch (cause) {
      throw ioError(`${fn}: cannot read ${file}`, cause);
    }
  };
  const manifestFile = path.join(dir, POISONED_DATASET_FILES.manifest);
  let parsed: unknown;
  try {
    parsed = JSON.parse((await read(POISONED_DATASET_FILES.manifest)).toString('utf8'));
  } catch (error) {
    if (AttackError.isInstance(error)) throw error;
    throw integrityError(`${fn}: ${manifestFile} is not valid JSON`);
  }
  const { files: _, ...rest } = parsed as PoisonManifest & { files?: unknown };
  const manifest = checkManifest(fn, manifestFile, rest);
  const [n, h, w, c] = manifest.dataset.shape;
  const bytesPerPixel = manifest.dataset.dtype === 'float32' ? 4 : 1;
  const expectedBytes: Record<BinaryKey, number> = {
    images: n * h * w * c * bytesPerPixel,
    labels: n * 4,
    poisonedIndices: manifest.counts.poisoned * 4,
    noiseIndices: manifest.counts.noise * 4,
  };
  const buffers = {} as Record<BinaryKey, ArrayBuffer>;
  for (const key of Object.keys(expectedBytes) as BinaryKey[]) {
    const name = POISONED_DATASET_FILES[key];
    const file = path.join(dir, name);
    const bytes = await read(name);
    if (bytes.byteLength !== expectedBytes[key]) {
      throw integrityError(
        `${fn}: ${file} has ${bytes.byteLength} bytes, the manifest implies ${expectedBytes[key]}`,
      );
    }
    const digest = sha256Hex(bytes);
    if (digest !== manifest.sha256[key]) {
      throw integrityError(
        `${fn}: ${file}: SHA-256 mismatch: manifest says ${manifest.sha256[key]}, file has ${digest}`,
      );
    }
    buffers[key] = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }
  const images: ImageArray =
    manifest.dataset.dtype === 'float32'
      ? new Float32Array(buffers.images)
      : new Uint8Array(buffers.images);
  const shape: ImageShape = [n, h, w, c];
  return {
    dataset: {
      images,
      shape,
      labels: new Int32Array(buffers.labels),
      numClasses: manifest.dataset.numClasses,
    },
    poisonedIndices: new Int32Array(buffers.poisonedIndices),
    noiseIndices: new Int32Array(buffers.noiseIndices),
    manifest,
  };
}
