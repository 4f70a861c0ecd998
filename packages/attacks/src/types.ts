/**
 * Pixel storage accepted everywhere in `@none/attacks`: `Float32Array` with values in
 * [0, 1], or `Uint8Array` with values in [0, 255]. Outputs keep the input's type.
 */
export type ImageArray = Float32Array | Uint8Array;

/** `[n, height, width, channels]`, NHWC (TensorFlow.js channels-last). */
export type ImageShape = [number, number, number, number];

/** `[height, width, channels]`: one image. */
export type SingleImageShape = [number, number, number];

/**
 * One image (`shape` of length 3) or a batch (`shape` of length 4), NHWC, row-major.
 * Any {@link ImageDataset} is also an `ImageBatch`.
 */
export interface ImageBatch<T extends ImageArray = ImageArray> {
  /** Pixels, `n * height * width * channels` of them. */
  images: T;
  /** `[n, height, width, channels]` or `[height, width, channels]`. */
  shape: ImageShape | SingleImageShape;
}

/**
 * A labelled image set; structurally identical to `ImageDataset` of `@none/data`
 * (which this package does not import).
 */
export interface ImageDataset<T extends ImageArray = ImageArray> {
  /** NHWC pixels: `Float32Array` in [0, 1] or `Uint8Array` in [0, 255]. */
  images: T;
  /** `[n, height, width, channels]`. */
  shape: ImageShape;
  /** One class index in `[0, numClasses)` per image. */
  labels: Int32Array;
  /** Number of classes K. */
  numClasses: number;
  /** Optional class names (`classNames[k]` names class k); carried over to derived datasets. */
  classNames?: string[];
}

/** Size of one image. */
export interface ImageSize {
  height: number;
  width: number;
  channels: number;
}

/** What a trigger returns for the batch `B`: new arrays of the same pixel type and shape. */
export interface TriggeredBatch<B extends ImageBatch = ImageBatch> {
  images: B['images'];
  shape: B['shape'];
}
