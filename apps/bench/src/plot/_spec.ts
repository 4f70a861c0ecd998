// Internal helpers of the chart builders (never re-exported): first-appearance orders, the
// shared title, colour and facet blocks, and the non-empty rows check.
import { BenchError } from '../errors';
import type { VegaLiteSpec } from './render';

// Facet, panel and series orders are the order of first appearance in the rows, never
// alphabetical, so callers control the layout.

/** Order of first appearance of a key in rows. */
export function firstAppearance<T>(
  rows: readonly T[],
  key: (row: T) => string | undefined,
): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    const value = key(row);
    if (value !== undefined) seen.add(value);
  }
  return [...seen];
}

export function assertRows(fn: string, rows: readonly unknown[]): void {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `${fn}: rows must be a non-empty array, got ${String(rows?.length)} rows`,
    );
  }
}

export function titleOf(title: string, subtitle?: string) {
  return subtitle === undefined ? { text: title } : { text: title, subtitle };
}

/** A nominal colour channel in the given order, legend on top, no title. */
export function colorBy(field: string, order: string[]) {
  return {
    field,
    type: 'nominal' as const,
    sort: order,
    title: null,
    legend: { orient: 'top' as const },
  };
}

/**
 * The whole spec around one panel `panel` (mark, encoding, size): the panel itself when
 * there are no facets, else one panel per facet value (rows' `facet` field), `columns` a row.
 */
export function faceted(
  options: { title: string; subtitle?: string },
  values: readonly object[],
  facets: string[],
  columns: number,
  panel: Record<string, unknown>,
  resolve?: Record<string, unknown>,
): VegaLiteSpec {
  const title = titleOf(options.title, options.subtitle);
  if (facets.length === 0) return { title, data: { values }, ...panel } as unknown as VegaLiteSpec;
  return {
    title,
    data: { values },
    facet: { field: 'facet', type: 'nominal', sort: facets, title: null },
    columns,
    spec: panel,
    ...(resolve ? { resolve } : {}),
  } as unknown as VegaLiteSpec;
}
