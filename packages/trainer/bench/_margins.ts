import { readFileSync } from 'node:fs';
import { poisonDataset } from '@none/attacks';
import { initBackend } from '@none/backend';
import { loadDataset } from '@none/data';
import { neighbourWitness } from '../src/none/neighbours';
await initBackend({ threads: 1 });
const files = process.argv.slice(2);
for (const file of files) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const removed: number[] = r.removedIndices ?? JSON.parse(readFileSync(file.replace('report.json', 'removed.json'), 'utf8')).indices ?? [];
  if (!removed.length) continue;
  const { train } = await loadDataset(r.config.dataset);
  const ds = r.config.attack ? poisonDataset(train, r.config.attack.config, { rate: r.config.attack.rate, seed: r.config.seed }) : null;
  const dataset = ds ? ds.dataset : train;
  const poisoned = new Set(ds ? Array.from(ds.poisonedIndices) : []);
  const w = neighbourWitness(dataset, 10);
  const byClass = new Map<number, number[]>();
  for (const i of removed) { const l = dataset.labels[i]!; if (!byClass.has(l)) byClass.set(l, []); byClass.get(l)!.push(i); }
  for (const [label, group] of byClass) {
    const rows: number[] = []; for (let i = 0; i < dataset.labels.length; i++) if (dataset.labels[i] === label) rows.push(i);
    const slice = Int32Array.from({ length: group.length }, (_, t) => rows[Math.floor((t * rows.length) / group.length)]!);
    const content = w.groupDisagreement(Int32Array.from(group));
    const baseline = w.groupDisagreement(slice);
    const precision = group.filter((i) => poisoned.has(i)).length / group.length;
    console.log(`${file.split('/runs/')[1]?.split('/').slice(0, 3).join('/')} class ${label} group ${group.length}/${rows.length} P ${precision.toFixed(2)} content ${content.toFixed(3)} baseline ${baseline.toFixed(3)} margin ${(content - baseline).toFixed(3)}`);
  }
}
