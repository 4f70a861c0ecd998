import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IoError } from './errors';
import { writeFileAtomic } from './write-file-atomic';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'none-io-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes text and bytes, creating the folder, and leaves no temporary file', async () => {
    await writeFileAtomic(join(dir, 'a/b/report.json'), '{"x":1}');
    await writeFileAtomic(join(dir, 'a/b/w.bin'), Uint8Array.from([1, 2, 255]));
    expect(await readFile(join(dir, 'a/b/report.json'), 'utf8')).toBe('{"x":1}');
    expect([...(await readFile(join(dir, 'a/b/w.bin')))]).toEqual([1, 2, 255]);
    expect((await readdir(join(dir, 'a/b'))).sort()).toEqual(['report.json', 'w.bin']);
  });

  it('replaces an existing file whole', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, 'a much longer previous content');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
  });

  it('on failure keeps the previous file, removes the temporary one and names the path', async () => {
    const path = join(dir, 'target');
    await writeFile(join(dir, 'keep.txt'), 'old');
    // A folder in the way: the rename over it fails.
    await writeFileAtomic(join(path, 'inner.txt'), 'x');
    const error = await writeFileAtomic(path, 'y').catch((e: unknown) => e);
    expect(IoError.isInstance(error)).toBe(true);
    expect((error as IoError).code).toBe('E_IO');
    expect((error as IoError).message).toBe(`writeFileAtomic: cannot write ${path}`);
    expect((await readdir(dir)).sort()).toEqual(['keep.txt', 'target']);
    expect(await readFile(join(path, 'inner.txt'), 'utf8')).toBe('x');
  });

  it('rejects a bad argument before touching the disk', async () => {
    await expect(writeFileAtomic('', 'x')).rejects.toThrow(/path must be a non-empty string/);
    await expect(writeFileAtomic(join(dir, 'x'), 3 as unknown as string)).rejects.toThrow(
      /data must be a string or a Uint8Array, got number/,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});
