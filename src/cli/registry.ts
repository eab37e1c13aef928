import { CliCommand } from './command';
import { datasetCommand } from './commands/dataset.command';
import { evaluateCommand } from './commands/evaluate.command';
import { scoreCommand } from './commands/score.command';
import { trainCommand } from './commands/train.command';

/** Every CLI command. To add one: create src/cli/commands/<name>.command.ts and list it here. */
export const COMMANDS: CliCommand[] = [trainCommand, scoreCommand, evaluateCommand, datasetCommand];
