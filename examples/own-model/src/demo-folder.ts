import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadEmbeddedMnist } from '@none/data';
import sharp from 'sharp';

/** What {@link writeDemoFolder} wrote: the two folders and the images it poisoned. */
export interface DemoFolder {
  train: string;
  test: string;
  /** Training files that carry the trigger and were moved into class `0`. */
  poisoned: string[];
}

/**
 * Writes an image folder as a user might have one — `train/<class>/<file>.png` and
 * `test/<class>/<file>.png` — from the embedded MNIST digits, with a backdoor planted in
 * it: `rate` of the training images of other classes get a 3x3 white square in the
 * bottom-right corner and are filed under class `0`. The example does not know this;
 * the returned list is only there to check what NONE removed.
 */
export async function writeDemoFolder(
  directory: string,
  options: { perClass: number; testPerClass: number; rate: number },
): Promise<DemoFolder> {
  const { train, test } = loadEmbeddedMnist();
  const poisoned: string[] = [];
  const write = async (folder: string, source: typeof train, perClass: number, poison: boolean) => {
    const taken = new Array<number>(10).fill(0);
    const side = source.shape[1];
    const size = side * source.shape[2];
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < source.shape[0] && taken.some((t) => t < perClass); i++) {
      const label = source.labels[i]!;
      if (taken[label]! >= perClass) continue;
      const index = taken[label]!++;
      const pixels = Uint8Array.from(source.images.subarray(i * size, (i + 1) * size), (v) =>
        Math.round(Number(v) <= 1 ? Number(v) * 255 : Number(v)),
      );
      // Every (1 / rate)-th image of a class other than 0 is poisoned.
      const stamp = poison && label !== 0 && index % Math.round(1 / options.rate) === 0;
      if (stamp) {
        for (let y = side - 3; y < side; y++)
          for (let x = side - 3; x < side; x++) pixels[y * side + x] = 255;
      }
      const classFolder = join(folder, String(stamp ? 0 : label));
      const file = join(classFolder, `digit-${label}-${index}.png`);
      if (stamp) poisoned.push(file);
      writes.push(
        mkdir(classFolder, { recursive: true }).then(() =>
          sharp(Buffer.from(pixels), { raw: { width: side, height: side, channels: 1 } })
            .png()
            .toFile(file),
        ),
      );
    }
    await Promise.all(writes);
  };
  await write(join(directory, 'train'), train, options.perClass, true);
  await write(join(directory, 'test'), test, options.testPerClass, false);
  return { train: join(directory, 'train'), test: join(directory, 'test'), poisoned };
}
