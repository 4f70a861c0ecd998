import { defineCommand } from 'citty';

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
    bench: () => import('@none/bench').then((m) => m.benchCommand),
    worker: () => import('@none/bench').then((m) => m.workerCommand),
  },
});
