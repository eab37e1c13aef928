import { CliCommand } from './command';

/**
 * Every CLI command, loaded on demand: under ts-node each TypeScript file costs tens of
 * milliseconds to compile, so `score` should not pay for the training and dataset code.
 *
 * To add a command: create src/cli/commands/<name>.command.ts exporting a CliCommand, and add one
 * entry here, e.g.
 *   lazy('drift', 'Compare a CSV with a baseline', () =>
 *     (require('./commands/drift.command') as typeof import('./commands/drift.command')).driftCommand),
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): CliCommand;
}

function lazy(name: string, summary: string, load: () => CliCommand): CommandEntry {
  return { name, summary, load };
}

/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading, see above */
export const COMMANDS: CommandEntry[] = [
  lazy(
    'train',
    'Train the logistic credit model on a labelled CSV and write the artifact',
    () => (require('./commands/train.command') as typeof import('./commands/train.command')).trainCommand,
  ),
  lazy(
    'score',
    'Score a feature CSV with a model artifact (streamed, any size)',
    () => (require('./commands/score.command') as typeof import('./commands/score.command')).scoreCommand,
  ),
  lazy(
    'evaluate',
    'Evaluate a model artifact on a labelled CSV',
    () => (require('./commands/evaluate.command') as typeof import('./commands/evaluate.command')).evaluateCommand,
  ),
  lazy(
    'validate',
    'Credit-risk validation on a labelled CSV: rating grades, PD backtests (Jeffreys, binomial), AUC with DeLong CI, HTML report',
    () => (require('./commands/validate.command') as typeof import('./commands/validate.command')).validateCommand,
  ),
  lazy(
    'drift',
    'Compare current CSVs with a reference CSV and print drift verdicts (same engine as the service)',
    () => (require('./commands/drift.command') as typeof import('./commands/drift.command')).driftCommand,
  ),
  lazy(
    'dataset',
    'Data tools: convert raw credit-g, generate synthetic data, fit the generator profile',
    () => (require('./commands/dataset.command') as typeof import('./commands/dataset.command')).datasetCommand,
  ),
  lazy(
    'keys',
    'API keys: create (shown once), list, revoke',
    () => (require('./commands/keys.command') as typeof import('./commands/keys.command')).keysCommand,
  ),
];
/* eslint-enable @typescript-eslint/no-require-imports */
