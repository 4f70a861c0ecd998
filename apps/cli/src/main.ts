import { defineCommand } from 'citty';
import { loadBenchCommand } from './_bench';

export const main = defineCommand({
  meta: {
    name: 'none',
    version: '0.0.0',
    description: 'NONE: backdoor-robust training (train, attack, eval, scan, bench, worker)',
  },
  subCommands: {
    train: () => import('./commands/train').then((m) => m.default),
    attack: () => import('./commands/attack').then((m) => m.default),
    eval: () => import('./commands/eval').then((m) => m.default),
    scan: () => import('./commands/scan').then((m) => m.default),
    // From @none/bench, which this package does not depend on: see ./_bench.ts.
    bench: () => loadBenchCommand('bench'),
    worker: () => loadBenchCommand('worker'),
  },
});
