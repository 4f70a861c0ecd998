import type { ExperimentEvent } from '@none/experiment';
import cliProgress from 'cli-progress';

const STAGE_NAMES: Record<string, string> = {
  undefended: 'undefended training',
  warmup: 'NONE warm-up',
  none: 'NONE rounds',
  retrain: 'NONE retrain',
  baseline: 'baseline defense',
  defense: 'defense',
  defended: 'defended',
};
/** How progress names a stage (a defense's own phase names show as they are). */
const stageName = (stage: string) => STAGE_NAMES[stage] ?? stage;

const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(2)}%`);

/**
 * Turns experiment events into a progress bar per phase (on a terminal) and one line per
 * epoch and per NONE detection (always, on stderr, so logs of non-interactive runs show
 * progress too).
 */
export function createProgressReporter(options: { interactive: boolean; quiet: boolean }) {
  let bar: cliProgress.SingleBar | undefined;
  let epochs = 1;
  let epochDone = 0;
  let stage = 'undefended';
  const log = (line: string) => {
    if (options.quiet) return;
    if (bar) bar.stop();
    process.stderr.write(`${line}\n`);
    if (bar) {
      bar = startBar();
    }
  };
  const startBar = () => {
    const next = new cliProgress.SingleBar(
      {
        format: `${stageName(stage).padEnd(20)} |{bar}| {percentage}% | epoch {epoch}/{epochs} | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    next.start(epochs, epochDone, { epoch: Math.min(epochDone + 1, epochs), epochs });
    return next;
  };
  return {
    onEvent(event: ExperimentEvent) {
      switch (event.type) {
        case 'stage':
          bar?.stop();
          bar = undefined;
          stage = event.stage;
          epochs = Math.max(1, event.epochs);
          epochDone = 0;
          log(`▸ ${stageName(stage)} (${event.epochs} epochs)`);
          if (options.interactive && !options.quiet) bar = startBar();
          break;
        case 'resumed':
          log(`▸ resuming in the ${stageName(event.stage)} stage, epoch ${event.epoch}`);
          epochDone = event.epoch;
          break;
        case 'batch':
          bar?.update(epochDone + (event.batch + 1) / event.batches, {
            epoch: epochDone + 1,
            epochs,
          });
          break;
        case 'epoch': {
          epochDone += 1;
          const l = event.logs;
          bar?.update(epochDone, { epoch: Math.min(epochDone + 1, epochs), epochs });
          log(
            `  epoch ${l.epoch + 1}: loss ${l.loss.toFixed(4)}, train acc ${percent(l.accuracy)}, lr ${l.learningRate.toPrecision(2)}, ` +
              `${Math.round((l.samples / l.milliseconds) * 1000)} img/s`,
          );
          break;
        }
        case 'none': {
          const inner = event.event;
          if (inner.type === 'epoch') {
            epochDone += 1;
            const l = inner.logs;
            bar?.update(epochDone, { epoch: Math.min(epochDone + 1, epochs), epochs });
            log(
              `  round ${inner.round + 1} fine-tune epoch: loss ${l.loss.toFixed(4)}, train acc ${percent(l.accuracy)}`,
            );
          } else if (inner.type === 'detected') {
            const r = inner.record;
            const reset = Object.entries(r.neuronsReset)
              .filter(([, c]) => c > 0)
              .map(([layer, c]) => `${layer}:${c}`)
              .join(' ');
            log(
              `  round ${r.round + 1}: removed ${r.removed} samples (precision ${r.removedTotal === 0 ? '–' : percent(r.precision)}, recall ${percent(r.recall)}), ` +
                `reset ${reset || 'no neurons'}, probe ${(r.probeMs / 1000).toFixed(1)} s`,
            );
          } else if (inner.type === 'batch') {
            bar?.update(epochDone + (inner.batch + 1) / inner.batches, {
              epoch: epochDone + 1,
              epochs,
            });
          }
          break;
        }
        case 'evaluated':
          bar?.stop();
          bar = undefined;
          log(
            `  ${stageName(event.stage)}: BA ${percent(event.result.ba)}, ASR ${percent(event.result.asr)}`,
          );
          break;
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
