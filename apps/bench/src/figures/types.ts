/**
 * How much work a figure does: `'smoke'` trains tiny models for seconds (tests, CI),
 * `'cpu'` trains larger ones for a few minutes on two CPU cores (the reports).
 */
export type FigureScale = 'smoke' | 'cpu';

/** What every figure function returns: the files it wrote and the data it plotted. */
export interface FigureResult<Data> {
  svgPath: string;
  pngPath: string;
  data: Data;
}

/** Progress callback of the figure functions: a short human-readable message. */
export type FigureProgress = (message: string) => void;
