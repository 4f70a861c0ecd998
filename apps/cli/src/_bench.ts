import { type CommandDef, defineCommand } from 'citty';

/** The bench's package name, in a variable so that bundlers leave its import to run time. */
const BENCH_PACKAGE = '@none/bench';

/** The commands `none bench` and `none worker` take from `@none/bench`. */
export type BenchCommandName = 'bench' | 'worker';

const EXPORTS = { bench: 'benchCommand', worker: 'workerCommand' } as const;

/** The one line `none <name>` prints when `@none/bench` cannot be resolved. */
export function benchMissingMessage(name: BenchCommandName): string {
  const example = name === 'worker' ? 'worker --queue redis://host:port' : '--suite NAME';
  return `none ${name}: the benchmark harness (@none/bench) is not installed; run it from the repository with \`npm run bench:suite -- ${example}\``;
}

/**
 * Loads `none bench` or `none worker` from `@none/bench` when the command runs. `@none/cli`
 * does not depend on the bench (a private package of the repository, found there through the
 * root package's dependency on it): when it cannot be resolved, the command prints
 * {@link benchMissingMessage} and exits with 1. An error while loading a resolved bench is not
 * caught.
 *
 * @param resolve - resolves a module specifier to a URL, throwing when it cannot (tests).
 */
export async function loadBenchCommand(
  name: BenchCommandName,
  resolve: (specifier: string) => string = (specifier) => import.meta.resolve(specifier),
): Promise<CommandDef> {
  let url: string;
  try {
    url = resolve(BENCH_PACKAGE);
  } catch {
    return defineCommand({
      meta: { name, description: 'Not available: @none/bench is not installed' },
      run() {
        process.stderr.write(`${benchMissingMessage(name)}\n`);
        process.exitCode = 1;
      },
    });
  }
  const bench = (await import(url)) as Record<(typeof EXPORTS)[BenchCommandName], CommandDef>;
  return bench[EXPORTS[name]];
}
