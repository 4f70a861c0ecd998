import type { ExperimentReport } from './experiment-report';
import { defenseWarnings, noneFinding } from './report-warnings';

const percent = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || Number.isNaN(value)
    ? '-'
    : `${(value * 100).toFixed(digits)}%`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A human-readable Markdown summary of an experiment report. */
export function formatReportMarkdown(report: ExperimentReport): string {
  const { config, undefended, defended } = report;
  const lines: string[] = [];
  lines.push('# NONE experiment report', '');
  lines.push(
    `- seed: ${report.seed}, backend: ${report.backend}, config hash: \`${report.configHash}\``,
  );
  lines.push(
    `- dataset: ${config.dataset.type}, ${report.dataset.train} training / ${report.dataset.test} test samples, ` +
      `${report.dataset.shape.join('x')}, ${report.dataset.numClasses} classes`,
  );
  lines.push(
    `- model: ${describeModel(config.model)}, ` +
      `${config.training.epochs} epochs, batch ${config.training.batchSize}, ${config.training.optimizer.type}`,
  );
  if (report.attack) {
    const m = report.attack.manifest;
    lines.push(
      `- attack: ${m.attack.type} (${m.attack.labelMode}${m.attack.labelMode === 'all-to-one' ? `, target ${m.attack.target}` : ''}), ` +
        `rate ${config.attack?.rate}, ${m.counts.poisoned} poisoned samples, images sha256 \`${m.sha256.images.slice(0, 16)}…\``,
    );
  } else {
    lines.push('- attack: none (clean data)');
  }
  lines.push('', '| model | BA | ASR | train time | overhead |', '|---|---|---|---|---|');
  lines.push(
    `| undefended | ${percent(undefended.ba)} | ${percent(undefended.asr)} | ${seconds(undefended.trainMs)} | 1.00x |`,
  );
  if (defended) {
    lines.push(
      `| ${defended.defense} (${defended.variant}${defended.retrained ? ', retrained' : ''}) | ${percent(defended.ba)} | ${percent(defended.asr)} | ` +
        `${seconds(defended.trainMs)} | ${defended.overhead.toFixed(2)}x |`,
    );
    const finding = noneFinding(report);
    if (finding) lines.push('', `${finding}.`);
    for (const warning of defenseWarnings(report)) lines.push('', `**Warning:** ${warning}.`);
    if (defended.rounds.length === 0 && defended.precision !== null) {
      lines.push(
        '',
        `${defended.removed} training samples removed: precision ${defended.removed === 0 ? '–' : percent(defended.precision)}, recall ${percent(defended.recall)}.`,
      );
    }
    if (defended.rounds.length > 0) {
      lines.push(
        '',
        '## NONE rounds',
        '',
        '| round | neurons reset | removed | removed so far | precision | recall | probe | detect | train |',
        '|---|---|---|---|---|---|---|---|---|',
      );
    }
    for (const round of defended.rounds) {
      const reset = Object.entries(round.neuronsReset)
        .filter(([, count]) => count > 0)
        .map(([layer, count]) => `${layer}: ${count}`)
        .join(', ');
      lines.push(
        `| ${round.round} | ${reset || '-'} | ${round.removed} | ${round.removedTotal} | ${round.removedTotal === 0 ? '–' : percent(round.precision)} | ` +
          `${percent(round.recall)} | ${seconds(round.probeMs)} | ${seconds(round.detectMs)} | ${seconds(round.trainMs)} |`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** `small-cnn (width 1, relu)`, or what a caller's own model is called. */
function describeModel(model: ExperimentReport['config']['model']): string {
  if (!('width' in model || 'activation' in model) && model.architecture === 'custom') {
    return "custom (the caller's LayersModel)";
  }
  const { width = 1, activation = 'relu' } = model as { width?: number; activation?: string };
  return `${model.architecture} (width ${width}, ${activation})`;
}
