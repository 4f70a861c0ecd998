#!/usr/bin/env node
// `none-bench [--suite ...]` runs suites; `none-bench worker --queue URL` runs queued jobs.
import { runMain } from 'citty';
import { benchCommand, workerCommand } from './commands';

if (process.argv[2] === 'worker') {
  runMain(workerCommand, { rawArgs: process.argv.slice(3) });
} else {
  runMain(benchCommand);
}
