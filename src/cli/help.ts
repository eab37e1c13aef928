import { CliCommand } from './command';

/** What the top-level help lists for each command (see registry.ts). */
export interface CommandSummary {
  name: string;
  summary: string;
}

export const PROGRAM = 'credit-monitor';

/** Help text for the program (no command) or for a command path such as ["dataset", "generate"]. */
export function formatHelp(path: CliCommand[], commands: ReadonlyArray<CommandSummary>): string {
  const command = path[path.length - 1];
  const name = [PROGRAM, ...path.map((entry) => entry.name)].join(' ');
  const lines: string[] = [];
  if (!command) {
    lines.push(
      `Usage: ${PROGRAM} <command> [options]`,
      '',
      'Credit model tools: train, score, evaluate, drift between CSV files, synthetic and real datasets.',
      '',
      'Commands:',
      ...columns(commands.map((entry) => [entry.name, entry.summary])),
      '',
      'Options:',
      ...columns([
        ['--help', 'Show this help'],
        ['--version', 'Print the version'],
      ]),
      '',
      `Run "${PROGRAM} <command> --help" for a command's options.`,
    );
    return `${lines.join('\n')}\n`;
  }
  if (command.subcommands) {
    lines.push(`Usage: ${name} <subcommand> [options]`, '', command.summary, '', 'Subcommands:');
    lines.push(...columns(command.subcommands.map((entry) => [entry.name, entry.summary])));
    lines.push('', `Run "${name} <subcommand> --help" for its options.`);
    return `${lines.join('\n')}\n`;
  }
  const options = command.options ?? [];
  const synopsis = options.map((option) => {
    const text = `--${option.name}${option.value ? ` ${option.value}` : ''}`;
    return option.required ? text : `[${text}]`;
  });
  lines.push(`Usage: ${name} ${synopsis.join(' ')}`.trimEnd(), '', command.summary, '', 'Options:');
  const rows: Array<[string, string]> = options.map((option) => {
    const flag = `--${option.name}${option.value ? ` ${option.value}` : ''}`;
    const suffix = option.required ? ' (required)' : option.default !== undefined ? ` (default: ${option.default})` : '';
    return [flag, `${option.description}${suffix}`];
  });
  lines.push(...columns([...rows, ['--help', 'Show this help']]));
  if (command.details) lines.push('', command.details.trim());
  return `${lines.join('\n')}\n`;
}

/** Space between a help table's two columns (at least this much, however long a name is). */
export const COLUMN_GAP = 2;

/** A two-column help table, indented two spaces, the second column aligned after the longest first. */
export function columns(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length)) + COLUMN_GAP;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}
