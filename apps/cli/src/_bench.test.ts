import { runCommand } from 'citty';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchMissingMessage, loadBenchCommand } from './_bench';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('loadBenchCommand', () => {
  it('prints one line and exits with 1 when @none/bench cannot be resolved', async () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    const missing = () => {
      throw Object.assign(new Error("Cannot find package '@none/bench'"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    };
    const command = await loadBenchCommand('bench', missing);
    await runCommand(command, { rawArgs: ['--suite', 'benign'] });
    expect(stderr).toBe(
      'none bench: the benchmark harness (@none/bench) is not installed; run it from the repository with `npm run bench:suite -- --suite NAME`\n',
    );
    expect(process.exitCode).toBe(1);
    expect(benchMissingMessage('worker')).toContain('npm run bench:suite -- worker --queue');
  });

  it('resolves the commands of @none/bench by name', async () => {
    const resolved: string[] = [];
    const fake = `data:text/javascript,${encodeURIComponent(
      'export const benchCommand = { meta: { name: "bench" } }; export const workerCommand = { meta: { name: "worker" } };',
    )}`;
    const resolve = (specifier: string) => {
      resolved.push(specifier);
      return fake;
    };
    expect((await loadBenchCommand('bench', resolve)).meta).toEqual({ name: 'bench' });
    expect((await loadBenchCommand('worker', resolve)).meta).toEqual({ name: 'worker' });
    expect(resolved).toEqual(['@none/bench', '@none/bench']);
  });
});
