import { initBackend } from '@none/backend';
import { renderDecisionRegionsFigure } from './src/figures/decision-regions';
await initBackend({ prefer: 'wasm' });
const t = performance.now();
const r = await renderDecisionRegionsFigure('/tmp/figscratch/dr', { seed: 1, scale: (process.argv[2] ?? 'smoke') as 'smoke', onProgress: console.log, dpSgdRates: [0.1, 0.2] });
console.log('total', performance.now() - t);
for (const p of r.data.panels) { let a = 0; const n = p.training.shape[0]; for (let i = 0; i < n; i++) if (p.trainingPredictions[i] === p.training.labels[i]) a++; console.log(p.facet, a / n); }
