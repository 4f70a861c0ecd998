/**
 * How much work a figure does (the bench's `Scale`): `'smoke'` trains tiny models for seconds
 * (tests, CI), `'cpu'` larger ones for a few minutes on two CPU cores (the reports), `'full'`
 * the largest (all 8,000 embedded training digits, more epochs: for a machine with a GPU).
 */
export type FigureScale = 'smoke' | 'cpu' | 'full';

/** Every {@link FigureScale}. */
export const FIGURE_SCALES: readonly FigureScale[] = ['smoke', 'cpu', 'full'];

/** What every figure function returns: the files it wrote and the data it plotted. */
export interface FigureResult<Data> {
  svgPath: string;
  pngPath: string;
  data: Data;
}

/** Progress callback of the figure functions: a short human-readable message. */
export type FigureProgress = (message: string) => void;
