import { renderChart, renderChartToBuffers } from './src/plot/render';
import { groupedBarChart, lineChart, histogramOverlayChart, histogramBins, imageGridChart } from './src/plot/charts';
let t = performance.now();
const bar = groupedBarChart({ title: 'BA and ASR', rows: [
  { cell: 'BadNets', series: 'ours', value: 0.98, facet: 'BA' }, { cell: 'BadNets', series: 'paper', value: 0.99, facet: 'BA' },
  { cell: 'Blend', series: 'ours', value: 0.97, facet: 'BA' }, { cell: 'Blend', series: 'paper', value: null, facet: 'BA' },
  { cell: 'BadNets', series: 'ours', value: 0.01, facet: 'ASR' }, { cell: 'BadNets', series: 'paper', value: 0.002, facet: 'ASR' },
]});
console.log(await renderChart(bar, '/tmp/figscratch/bar'), performance.now() - t);
t = performance.now();
const a = await renderChartToBuffers(bar); const b = await renderChartToBuffers(bar);
console.log('det', a.svg === b.svg, Buffer.compare(Buffer.from(a.png), Buffer.from(b.png)), performance.now() - t);
await renderChart(lineChart({ title: 'lambda', xTitle: 'λ', yTitle: 'rate', yFormat: '.0%', rows: [1,2,3,4].flatMap(x => [{x, y: 0.9 + x/100, series: 'BA'}, {x, y: 0.5/x, series: 'ASR'}]) }), '/tmp/figscratch/line');
const hb = (vals: number[], group: string, facet: string) => histogramBins(vals, { bins: 20, extent: [-3, 3] }).map(b => ({ ...b, group, facet }));
const g = (m: number) => Array.from({length: 500}, (_, i) => m + Math.sin(i * 12.9898) * 1.2);
await renderChart(histogramOverlayChart({ title: 'hist', xTitle: 'pre-activation', rows: [...hb(g(0), 'benign', 'trojaned'), ...hb(g(1.5), 'triggered', 'trojaned'), ...hb(g(0), 'benign', 'benign model'), ...hb(g(0.1), 'triggered', 'benign model')] }), '/tmp/figscratch/hist');
t = performance.now();
const px = new Float32Array(28*28).map((_, i) => ((i % 28) + Math.floor(i/28)) / 56);
await renderChart(imageGridChart({ title: 'imgs', panels: Array.from({length: 9}, (_, k) => ({ title: `p${k}`, height: 28, width: 28, channels: 1, pixels: px.map(v => (v * (k+1)) % 1) })) }), '/tmp/figscratch/img');
console.log('img', performance.now() - t);
