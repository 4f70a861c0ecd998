export {
  type DecisionRegionChartOptions,
  decisionRegionChart,
  type RegionCell,
  type RegionPoint,
} from './decision-region-chart';
export { type BarRow, type GroupedBarChartOptions, groupedBarChart } from './grouped-bar-chart';
export {
  type HistogramBin,
  type HistogramOverlayChartOptions,
  histogramOverlayChart,
} from './histogram-overlay-chart';
export { type ImageGridChartOptions, type ImagePanel, imageGridChart } from './image-grid-chart';
export { type LineChartOptions, type LinePoint, lineChart } from './line-chart';
export {
  CHART_FONT,
  CHART_THEME,
  type RenderChartOptions,
  type RenderChartResult,
  type RenderedChart,
  renderChart,
  renderChartToBuffers,
  renderSvg,
  svgToPng,
  type VegaLiteSpec,
} from './render';
