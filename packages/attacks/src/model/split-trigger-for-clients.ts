import { assertInteger, assertOneOf, invalid } from '../_validate';
import { checkMaskedTrigger, type MaskedTrigger } from '../masked-trigger';

/** How {@link splitTriggerForClients} cuts a trigger. */
export type TriggerSplit = 'auto' | 'components' | 'grid';

/** Every {@link TriggerSplit}. */
export const TRIGGER_SPLITS = [
  'auto',
  'components',
  'grid',
] as const satisfies readonly TriggerSplit[];

/** Options of {@link splitTriggerForClients}. */
export interface SplitTriggerOptions {
  /**
   * `'components'`: one local trigger per 4-connected patch of the mask (their number must
   * equal `parts`; DBA's "four bars" global trigger). `'grid'`: the mask's bounding box is cut
   * into `rows x cols = parts` cells (rows <= cols, as square as possible). `'auto'`:
   * components when their number equals `parts`, else the grid. @default 'auto'
   */
  split?: TriggerSplit;
}

function connectedComponents(active: Uint8Array, height: number, width: number): number[][] {
  const seen = new Uint8Array(active.length);
  const components: number[][] = [];
  for (let start = 0; start < active.length; start++) {
    if (!active[start] || seen[start]) continue;
    const stack = [start];
    const pixels: number[] = [];
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop()!;
      pixels.push(p);
      const row = Math.floor(p / width);
      const col = p % width;
      const neighbours = [
        row > 0 ? p - width : -1,
        row < height - 1 ? p + width : -1,
        col > 0 ? p - 1 : -1,
        col < width - 1 ? p + 1 : -1,
      ];
      for (const q of neighbours) {
        if (q >= 0 && active[q] && !seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    components.push(pixels.sort((a, b) => a - b));
  }
  return components;
}

function gridCells(active: Uint8Array, height: number, width: number, parts: number): number[][] {
  let rows = 1;
  for (let r = 1; r * r <= parts; r++) if (parts % r === 0) rows = r;
  const cols = parts / rows;
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let p = 0; p < active.length; p++) {
    if (!active[p]) continue;
    const row = Math.floor(p / width);
    const col = p % width;
    top = Math.min(top, row);
    bottom = Math.max(bottom, row);
    left = Math.min(left, col);
    right = Math.max(right, col);
  }
  const boxHeight = bottom - top + 1;
  const boxWidth = right - left + 1;
  const cells: number[][] = Array.from({ length: parts }, () => []);
  for (let p = 0; p < active.length; p++) {
    if (!active[p]) continue;
    const r = Math.min(rows - 1, Math.floor(((Math.floor(p / width) - top) * rows) / boxHeight));
    const c = Math.min(cols - 1, Math.floor((((p % width) - left) * cols) / boxWidth));
    cells[r * cols + c]!.push(p);
  }
  return cells;
}

/**
 * Splits a global trigger into `parts` local triggers for the malicious clients of a
 * distributed backdoor attack (DBA, Xie et al.): each client poisons its data with its own
 * piece, and the assembled global trigger is used at test time (stamp it with
 * `applyMaskedTrigger` / `attackTestSet` of the core). The pieces partition the mask:
 * every non-zero mask pixel belongs to exactly one piece, which keeps its mask and pattern
 * values; elsewhere a piece's mask is 0. Stamping all pieces gives the global trigger.
 *
 * @example
 * ```ts
 * const global = createBadNetsTrigger({ height: 28, width: 28, channels: 1 }, { size: 4 });
 * const locals = splitTriggerForClients(global, 4); // four 2x2 quarters of the 4x4 patch
 * const client0 = poisonClientDataset(clientData[0], locals[0], { target: 0, rate: 0.1, seed: 0 });
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` when `parts` is not a positive integer, the
 * mask is empty, `'components'` finds another number of patches, or a grid cell holds no
 * trigger pixel (a trigger too small for that many parts); `E_SHAPE_MISMATCH` for
 * inconsistent trigger arrays.
 * @see C. Xie, K. Huang, P.-Y. Chen, B. Li, "DBA: Distributed Backdoor Attacks against
 * Federated Learning", ICLR 2020.
 */
export function splitTriggerForClients(
  trigger: MaskedTrigger,
  parts: number,
  options: SplitTriggerOptions = {},
): MaskedTrigger[] {
  const fn = 'splitTriggerForClients';
  if (typeof trigger !== 'object' || trigger === null) {
    throw invalid(
      `${fn}: trigger must be a MaskedTrigger { height, width, channels, mask, pattern }`,
    );
  }
  const { height, width, channels } = trigger;
  checkMaskedTrigger(fn, trigger, { height, width, channels });
  assertInteger(fn, 'parts', parts, 1, height * width);
  const { split = 'auto' } = options;
  assertOneOf(fn, 'options.split', split, TRIGGER_SPLITS);
  const active = new Uint8Array(height * width);
  let count = 0;
  for (let p = 0; p < active.length; p++) {
    for (let c = 0; c < channels; c++) {
      if (trigger.mask[p * channels + c]! > 0) active[p] = 1;
    }
    count += active[p]!;
  }
  if (count === 0) throw invalid(`${fn}: trigger.mask is all zero: nothing to split`);
  let pieces: number[][];
  if (split === 'grid') pieces = gridCells(active, height, width, parts);
  else {
    const components = connectedComponents(active, height, width);
    if (components.length === parts) pieces = components;
    else if (split === 'components') {
      throw invalid(
        `${fn}: split 'components' needs as many connected patches as parts (${parts}), the mask has ${components.length}`,
      );
    } else pieces = gridCells(active, height, width, parts);
  }
  for (const [i, piece] of pieces.entries()) {
    if (piece.length === 0) {
      throw invalid(
        `${fn}: part ${i} of ${parts} holds no trigger pixel (the trigger covers ${count} pixels); use fewer parts or a larger trigger`,
      );
    }
  }
  return pieces.map((pixels) => {
    const mask = new Float32Array(trigger.mask.length);
    const pattern = new Float32Array(trigger.pattern.length);
    for (const p of pixels) {
      for (let c = 0; c < channels; c++) {
        const j = p * channels + c;
        mask[j] = trigger.mask[j]!;
        pattern[j] = trigger.pattern[j]!;
      }
    }
    return { height, width, channels, mask, pattern };
  });
}
