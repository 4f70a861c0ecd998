// `pnpm --filter @none/example-own-model start [train-folder test-folder]`: trains the
// example's own model with NONE on your image folders, or on a poisoned demo folder
// written from the embedded MNIST when none is given.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '@none/backend';
import { defenseWarnings, noneFinding } from '@none/experiment';
import { writeDemoFolder } from './demo-folder';
import { trainOwnModel } from './train-own-model';

const [trainArg, testArg] = process.argv.slice(2);
const backend = await initBackend();
console.error(`backend: ${backend.description}`);
let folders: { train: string; test: string; poisoned?: string[] };
if (trainArg && testArg) {
  folders = { train: resolve(trainArg), test: resolve(testArg) };
} else {
  const directory = await mkdtemp(join(tmpdir(), 'none-demo-'));
  folders = await writeDemoFolder(directory, { perClass: 300, testPerClass: 100, rate: 0.05 });
  console.error(
    `demo folder: ${directory} (${folders.poisoned?.length} poisoned images filed under 0)`,
  );
}
const outDir = resolve('runs/own-model');
const { report, removedFiles } = await trainOwnModel({
  ...folders,
  outDir,
  onEvent: (event) => {
    if (event.type === 'stage') console.error(`▸ ${event.stage} (${event.epochs} epochs)`);
  },
});
const percent = (v: number | null | undefined) => (v == null ? '-' : `${(v * 100).toFixed(2)}%`);
console.log(
  `undefended BA ${percent(report.undefended.ba)}; NONE BA ${percent(report.defended?.ba)}`,
);
console.log(noneFinding(report));
for (const file of removedFiles.slice(0, 10)) console.log(`  removed ${file}`);
if (removedFiles.length > 10)
  console.log(`  ... and ${removedFiles.length - 10} more (${outDir}/removed.json)`);
if (folders.poisoned) {
  const truth = new Set(folders.poisoned);
  const hits = removedFiles.filter((f) => truth.has(f)).length;
  console.log(
    `of the ${truth.size} poisoned demo images, ${hits} removed; ${removedFiles.length - hits} clean images removed`,
  );
}
for (const warning of defenseWarnings(report)) console.log(`warning: ${warning}`);
console.log(`model: ${outDir}/model`);
