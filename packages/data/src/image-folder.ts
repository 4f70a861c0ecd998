import { extname, join } from 'node:path';
import { decodeAll, type ResizeFit, resolveSize } from './_decode-image';
import { compareNames, listFolder } from './_files';
import { IMAGE_FOLDER_DEFAULTS } from './defaults';
import { DataError } from './errors';
import type { ImageDtype } from './image-dataset';
import { type ImageDataset, toFloat32 } from './image-dataset';

export type { ResizeFit } from './_decode-image';

/** Where the label of an image comes from. */
export type ImageFolderLayout =
  /** `directory/<class name>/<image>`: one sub-folder per class (ImageNet, Imagenette). */
  | 'class-folders'
  /** `directory/class_<k>_example_<m>.<ext>`: TrojAI example data, class in the file name. */
  | 'trojai';

/** Options of {@link loadImageFolder}. */
export interface LoadImageFolderOptions {
  /** The folder to read. */
  directory: string;
  /**
   * Output size: a side (square images) or `[height, width]`.
   * @default 224
   */
  size?: number | [height: number, width: number];
  /**
   * 3 for RGB, 1 for grey.
   * @default 3
   */
  channels?: 1 | 3;
  /**
   * `'cover'` (keep the aspect ratio, crop the centre), `'fill'` (stretch) or `'contain'`
   * (keep the aspect ratio, pad with black).
   * @default 'cover'
   */
  fit?: ResizeFit;
  /**
   * `'class-folders'` or `'trojai'` (see {@link ImageFolderLayout}).
   * @default 'class-folders'
   */
  layout?: ImageFolderLayout;
  /**
   * The classes, in label order. With class folders, each name must be a sub-folder (use the
   * training set's `classNames` to load its test set with the same labels); by default the
   * sub-folders, sorted by code point. With the TrojAI layout, only its length matters.
   */
  classNames?: string[];
  /**
   * TrojAI layout only: number of classes (default: the largest class in a file name + 1).
   */
  numClasses?: number;
  /**
   * File extensions read, with the dot; other files (and hidden files) are ignored.
   * @default ['.png', '.jpg', '.jpeg']
   */
  extensions?: string[];
  /**
   * Storage type of the images.
   * @default 'float32'
   */
  dtype?: ImageDtype;
  /**
   * Images decoded at the same time.
   * @default 4
   */
  concurrency?: number;
}

const TROJAI_NAME = /^class_(\d+)_example_(\d+)\.[^.]+$/i;

/**
 * Loads a folder of labelled images (PNG or JPEG, decoded with sharp), resized to one size:
 * ImageNet-10/Imagenette style (one sub-folder per class, class names sorted) or TrojAI
 * style (`class_<k>_example_<m>.png`). Samples are ordered by class, then file name;
 * `files[i]` is the path sample i was read from.
 *
 * @example
 * ```ts
 * const train = await loadImageFolder({ directory: 'imagenette2-160/train', size: 128 });
 * const test = await loadImageFolder({
 *   directory: 'imagenette2-160/val', size: 128, classNames: train.classNames,
 * });
 * ```
 * @throws DataError `E_NOT_FOUND` (folder, or a listed class folder, missing), `E_EMPTY_CLASS`
 * (a class folder without images, or no class at all), `E_LABEL_RANGE` (a folder that is not a
 * listed class), `E_PARSE` (a TrojAI file name without a class), `E_DECODE` (an image that
 * cannot be decoded), each naming the file or folder
 */
export async function loadImageFolder(
  options: LoadImageFolderOptions,
): Promise<ImageDataset & { files: string[] }> {
  const caller = 'loadImageFolder';
  const {
    directory,
    channels = IMAGE_FOLDER_DEFAULTS.channels,
    fit = IMAGE_FOLDER_DEFAULTS.fit,
    layout = IMAGE_FOLDER_DEFAULTS.layout,
    dtype = IMAGE_FOLDER_DEFAULTS.dtype,
    concurrency = IMAGE_FOLDER_DEFAULTS.concurrency,
  } = options;
  const [height, width] = resolveSize(options.size ?? IMAGE_FOLDER_DEFAULTS.size, caller);
  const extensions = new Set(
    (options.extensions ?? IMAGE_FOLDER_DEFAULTS.extensions).map((extension) =>
      extension.toLowerCase(),
    ),
  );
  const isImage = (name: string): boolean =>
    !name.startsWith('.') && extensions.has(extname(name).toLowerCase());

  const samples: { file: string; label: number }[] = [];
  let classNames: string[] | undefined;
  let numClasses: number;
  const entries = await listFolder(directory, caller);

  if (layout === 'trojai') {
    const parsed: { file: string; label: number; example: number }[] = [];
    for (const entry of entries) {
      if (!entry.isFile || !isImage(entry.name)) continue;
      const match = TROJAI_NAME.exec(entry.name);
      if (match === null) {
        throw new DataError(
          'E_PARSE',
          `${caller}: ${join(directory, entry.name)}: expected a TrojAI name class_<k>_example_<m>.<ext>`,
          { file: join(directory, entry.name) },
        );
      }
      parsed.push({
        file: join(directory, entry.name),
        label: Number(match[1]),
        example: Number(match[2]),
      });
    }
    if (parsed.length === 0) {
      throw new DataError(
        'E_EMPTY_CLASS',
        `${caller}: ${directory} has no image (${[...extensions].join(', ')})`,
        { file: directory },
      );
    }
    parsed.sort((a, b) => a.label - b.label || a.example - b.example);
    const largest = parsed[parsed.length - 1]!.label;
    numClasses = options.numClasses ?? options.classNames?.length ?? largest + 1;
    if (largest >= numClasses) {
      const file = parsed[parsed.length - 1]!.file;
      throw new DataError(
        'E_LABEL_RANGE',
        `${caller}: ${file}: class ${largest} is not below numClasses = ${numClasses}`,
        { file },
      );
    }
    classNames = options.classNames;
    samples.push(...parsed);
  } else {
    const folders = entries
      .filter((entry) => entry.isDirectory && !entry.name.startsWith('.'))
      .map((entry) => entry.name);
    classNames = options.classNames ?? folders;
    if (classNames.length === 0) {
      throw new DataError(
        'E_EMPTY_CLASS',
        `${caller}: ${directory} has no class sub-folder (expected one folder of images per class)`,
        { file: directory },
      );
    }
    const known = new Set(classNames);
    for (const folder of folders) {
      if (!known.has(folder)) {
        throw new DataError(
          'E_LABEL_RANGE',
          `${caller}: ${join(directory, folder)}: folder "${folder}" is not one of the ${classNames.length} classes [${classNames.join(', ')}]`,
          { file: join(directory, folder) },
        );
      }
    }
    for (const [label, name] of classNames.entries()) {
      const folder = join(directory, name);
      const files = (await listFolder(folder, caller))
        .filter((entry) => entry.isFile && isImage(entry.name))
        .map((entry) => entry.name)
        .sort(compareNames);
      if (files.length === 0) {
        throw new DataError(
          'E_EMPTY_CLASS',
          `${caller}: class folder ${folder} has no image (${[...extensions].join(', ')})`,
          { file: folder },
        );
      }
      for (const file of files) samples.push({ file: join(folder, file), label });
    }
    numClasses = classNames.length;
  }

  if (classNames !== undefined && classNames.length !== numClasses) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: expected ${numClasses} class names, got ${classNames.length}`,
    );
  }
  const images = await decodeAll(samples, { height, width, channels, fit, concurrency }, caller);
  const dataset: ImageDataset = {
    images,
    shape: [samples.length, height, width, channels],
    labels: Int32Array.from(samples, (sample) => sample.label),
    numClasses,
  };
  if (classNames !== undefined) dataset.classNames = [...classNames];
  // The file of every sample, in sample order: what a report of removed samples names.
  const files = samples.map((sample) => sample.file);
  return { ...(dtype === 'float32' ? toFloat32(dataset) : dataset), files };
}
