import { deriveSeed } from '@none/stats';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assertInteger, assertNumber, assertSeed } from '../_validate';
import { AttackError } from '../errors';
import { checkModel, type ModelImages } from './_model';
import {
  prepareImages,
  type ReverseEngineeredTrigger,
  type ReverseEngineerOptions,
  resolveReverseEngineerSettings,
  reverseEngineerPrepared,
} from './reverse-engineer-trigger';

/** The trigger sizes of the paper's Table 2: 2%, 4%, ..., 12% of the image area. */
export const NATURAL_TROJAN_BUDGETS = [0.02, 0.04, 0.06, 0.08, 0.1, 0.12] as const;

/**
 * Options of {@link naturalTrojanScan}: those of {@link reverseEngineerTrigger} (steps,
 * learning rate, batch size, penalty, labels) plus the budgets and targets to scan.
 */
export interface NaturalTrojanScanOptions
  extends Omit<ReverseEngineerOptions, 'target' | 'maxMaskFraction' | 'seed'> {
  /** Mask budgets (fractions of the image area, each in (0, 1]). @default NATURAL_TROJAN_BUDGETS */
  budgets?: readonly number[];
  /** Target labels to try. @default every class 0..K-1 */
  targets?: readonly number[];
  /**
   * Seed; the run of budget index `b` and target `k` uses
   * `deriveSeed(seed, 'natural-trojan-scan', b, k)`. Integer in [0, 2^32).
   */
  seed: number;
}

/** One budget of a {@link NaturalTrojanScanResult}. */
export interface NaturalTrojanBudgetResult {
  /** The mask budget, a fraction of the image area. */
  budget: number;
  /** REASR: the best ASR over the target labels tried. */
  reasr: number;
  /** The target label reaching {@link reasr} (the lowest one on ties). */
  bestTarget: number;
  /** ASR per target tried, in the order of `targets`. */
  asrPerTarget: number[];
  /** The best trigger found (for rendering). */
  bestTrigger: ReverseEngineeredTrigger;
}

/** Result of {@link naturalTrojanScan}. */
export interface NaturalTrojanScanResult {
  /** The target labels tried. */
  targets: number[];
  /** One entry per budget, in the order given. */
  budgets: NaturalTrojanBudgetResult[];
  /** Mean REASR over the budgets (the quantity the paper's Table 2 reports as ASR). */
  meanReasr: number;
}

/**
 * Scans a model for natural (or injected) Trojans as in the NONE paper's §5.2 (Table 2),
 * after ABS: for each mask budget and each target label, reverse-engineers a trigger with
 * {@link reverseEngineerTrigger} and records its ASR on the given images; REASR (the
 * reverse-engineered ASR) of a budget is the best ASR over the targets, and `meanReasr`
 * averages REASR over the budgets (default 2%, 4%, ..., 12% of the image area).
 *
 * Cost: `budgets.length * targets.length * steps` forward/backward passes of `batchSize`
 * images. Deterministic for a seed; the inputs are not modified; every tensor is disposed.
 *
 * @example
 * ```ts
 * const scan = naturalTrojanScan(model, test, { budgets: [0.02, 0.04], steps: 100, seed: 0 });
 * scan.budgets[0].reasr;      // best ASR with a trigger covering at most 2% of the image
 * scan.budgets[0].bestTarget; // the label that trigger flips images to
 * scan.meanReasr;
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for a budget or target out of range or an
 * empty list; `E_SHAPE_MISMATCH` when the images do not fit the model.
 * @see Y. Liu et al., "ABS: Scanning Neural Networks for Back-doors by Artificial Brain
 * Stimulation", CCS 2019 (natural Trojans, REASR); NONE paper §5.2, Table 2.
 */
export function naturalTrojanScan(
  model: LayersModel,
  images: ModelImages,
  options: NaturalTrojanScanOptions,
): NaturalTrojanScanResult {
  const fn = 'naturalTrojanScan';
  if (typeof options !== 'object' || options === null) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: options must be an object { seed, budgets?, targets?, ... }, got ${String(options)}`,
    );
  }
  const numClasses = checkModel(fn, model);
  const {
    budgets = NATURAL_TROJAN_BUDGETS,
    targets = Array.from({ length: numClasses }, (_, k) => k),
    seed,
  } = options;
  assertSeed(fn, 'seed', seed);
  for (const [name, list] of [
    ['budgets', budgets],
    ['targets', targets],
  ] as const) {
    if (!Array.isArray(list) || list.length === 0) {
      throw new AttackError(
        'E_INVALID_ARGUMENT',
        `${fn}: ${name} must be a non-empty array, got ${Array.isArray(list) ? '[]' : String(list)}`,
      );
    }
  }
  for (const [i, budget] of budgets.entries()) {
    assertNumber(fn, `budgets[${i}]`, budget, Number.MIN_VALUE, 1);
  }
  for (const [i, target] of targets.entries()) {
    assertInteger(fn, `targets[${i}]`, target, 0, numClasses - 1);
  }
  const settings = resolveReverseEngineerSettings(fn, options);
  const { prepared, owned } = prepareImages(fn, model, images, options.labels);
  try {
    const area = prepared.height * prepared.width;
    for (const [i, budget] of budgets.entries()) {
      if (Math.floor(budget * area + 1e-9) < 1) {
        throw new AttackError(
          'E_INVALID_ARGUMENT',
          `${fn}: budgets[${i}] = ${budget} allows no whole pixel of a ${prepared.height}x${prepared.width} image; use at least ${(1 / area).toFixed(6)}`,
        );
      }
    }
    const results: NaturalTrojanBudgetResult[] = budgets.map((budget, b) => {
      let best: ReverseEngineeredTrigger | undefined;
      let bestTarget = targets[0]!;
      const asrPerTarget = targets.map((target) => {
        const found = reverseEngineerPrepared(
          model,
          prepared,
          target,
          budget,
          settings,
          deriveSeed(seed, 'natural-trojan-scan', b, target),
        );
        if (best === undefined || found.asr > best.asr) {
          best = found;
          bestTarget = target;
        }
        return found.asr;
      });
      return { budget, reasr: best!.asr, bestTarget, asrPerTarget, bestTrigger: best! };
    });
    const meanReasr = results.reduce((sum, r) => sum + r.reasr, 0) / results.length;
    return { targets: [...targets], budgets: results, meanReasr };
  } finally {
    if (owned) prepared.tensor.dispose();
  }
}
