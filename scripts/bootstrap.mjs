#!/usr/bin/env node
// The README's two commands on a fresh machine (Node 20 + npm, no pnpm, no GPU):
//   npm run main   install, build, then run NONE on the embedded MNIST default
//   npm test       install, build, then run every test
// Both use the pnpm version pinned in package.json#packageManager, through npx when pnpm
// is not installed, so nothing else has to be set up by hand.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pinned = packageManager.replace(/\+.*$/, ''); // e.g. pnpm@10.34.9
const pinnedVersion = pinned.split('@')[1];

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: false });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function pnpm(args) {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === pinnedVersion) run('pnpm', args);
  else run('npx', ['--yes', pinned, ...args]);
}

const [task, ...rest] = process.argv.slice(2);
const jobs = {
  main: () => pnpm(['exec', 'node', 'apps/cli/dist/bin.js', 'train', ...rest]),
  test: () => pnpm(['exec', 'vitest', 'run', ...rest]),
};
if (!(task in jobs)) {
  console.error(`bootstrap: task must be one of ${Object.keys(jobs).join(', ')}, got ${task}`);
  process.exit(2);
}
pnpm(['install', '--frozen-lockfile']);
pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
jobs[task]();
