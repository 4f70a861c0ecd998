import { initBackend } from '@none/backend';
import { trainActivationHistogramModels, renderActivationHistogramsFigure } from './src/figures/activation-histograms';
await initBackend({ prefer: 'wasm' });
let t = performance.now();
const m = await trainActivationHistogramModels({ seed: 1, scale: (process.argv[2] ?? 'smoke') as 'smoke', onProgress: console.log });
console.log('train', performance.now() - t); t = performance.now();
const r = await renderActivationHistogramsFigure('/tmp/figscratch/hist-fig', m);
console.log('fig', performance.now() - t, r.data.rates, r.data.panels.map(p => [p.facet, p.benignMean.toFixed(2), p.triggeredMean.toFixed(2)]));
m.dispose();
