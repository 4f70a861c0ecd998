import { renderTriggerExamplesFigure } from './src/figures/trigger-examples';
const t = performance.now();
const r = await renderTriggerExamplesFigure('/tmp/figscratch/trigger');
console.log(r.svgPath, r.data.panels.map(p => p.title), performance.now() - t);
