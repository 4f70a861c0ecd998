/**
 * Exact k-class dynamic program (Fisher 1958; Jenks 1977) over distinct values with weights.
 *
 * @internal never re-exported from `index.ts`; `jenksBreaks` is the public entry point.
 */

/**
 * Optimal partition of weighted, strictly ascending `levels` into `k` contiguous classes with the
 * least total within-class sum of squared deviations, each level counted `counts[i]` times.
 *
 * Returns `k + 1` breaks: `levels[0]`, then the largest level of each class (the last one is
 * `levels[m − 1]`).
 *
 * @remarks
 * Symbols (Fisher 1958): `m` levels, `k` classes, `D[c][j]` = least cost of levels `0..j` in
 * `c + 1` classes, `B[c][j]` = first level of the last of those classes.
 * `D[c][j] = min over i of D[c − 1][i − 1] + SSW(i..j)`. For each end `j`, the start `i` walks down
 * from `j` and `SSW(i..j)` is extended one level at a time with the weighted Welford update
 * (numerically stable, O(1) per step), and every class count `c` is relaxed in the same pass.
 * Time O(k·m²), memory O(k·m) (one `Float64Array` and one `Int32Array` of `k·m` entries).
 * On an exact tie the smaller start `i` (the lower break) wins, as in the two-class scan.
 * Requires `2 <= k <= m`.
 */
export function fisherJenksBreaks(levels: Float64Array, counts: Float64Array, k: number): number[] {
  const m = levels.length;
  const cost = new Float64Array(k * m).fill(Number.POSITIVE_INFINITY);
  const start = new Int32Array(k * m);

  // One class: SSW(0..j), forward Welford.
  let weight = 0;
  let mean = 0;
  let squares = 0;
  for (let j = 0; j < m; j++) {
    const w = counts[j];
    const x = levels[j];
    weight += w;
    const delta = x - mean;
    mean += (delta * w) / weight;
    squares += w * delta * (x - mean);
    cost[j] = squares;
    start[j] = 0;
  }

  for (let j = 1; j < m; j++) {
    // The last class is levels i..j; it needs i >= c previous levels for c earlier classes.
    const classLimit = Math.min(k, j + 1);
    weight = 0;
    mean = 0;
    squares = 0;
    for (let i = j; i >= 1; i--) {
      const w = counts[i];
      const x = levels[i];
      weight += w;
      const delta = x - mean;
      mean += (delta * w) / weight;
      squares += w * delta * (x - mean);
      const classes = Math.min(classLimit, i + 1);
      for (let c = 1; c < classes; c++) {
        const candidate = cost[(c - 1) * m + i - 1] + squares;
        const cell = c * m + j;
        if (candidate <= cost[cell]) {
          cost[cell] = candidate;
          start[cell] = i;
        }
      }
    }
  }

  const breaks = new Array<number>(k + 1);
  breaks[0] = levels[0];
  breaks[k] = levels[m - 1];
  let end = m - 1;
  for (let c = k - 1; c >= 1; c--) {
    const first = start[c * m + end];
    breaks[c] = levels[first - 1];
    end = first - 1;
  }
  return breaks;
}
