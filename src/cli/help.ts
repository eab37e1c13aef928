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
    );
    for (const entry of commands) lines.push(`  ${entry.name.padEnd(12)}${entry.summary}`);
    lines.push('', `Run "${PROGRAM} <command> --help" for a command's options.`);
    return `${lines.join('\n')}\n`;
  }
  if (command.subcommands) {
    lines.push(`Usage: ${name} <subcommand> [options]`, '', command.summary, '', 'Subcommands:');
    for (const entry of command.subcommands) lines.push(`  ${entry.name.padEnd(12)}${entry.summary}`);
    lines.push('', `Run "${name} <subcommand> --help" for its options.`);
    return `${lines.join('\n')}\n`;
  }
  const options = command.options ?? [];
  const synopsis = options.map((option) => {
    const text = `--${option.name}${option.value ? ` ${option.value}` : ''}`;
    return option.required ? text : `[${text}]`;
  });
  lines.push(`Usage: ${name} ${synopsis.join(' ')}`.trimEnd(), '', command.summary, '', 'Options:');
  for (const option of options) {
    const flag = `--${option.name}${option.value ? ` ${option.value}` : ''}`;
    const suffix = option.required ? ' (required)' : option.default !== undefined ? ` (default: ${option.default})` : '';
    lines.push(`  ${flag.padEnd(26)}${option.description}${suffix}`);
  }
  lines.push(`  ${'--help'.padEnd(26)}Show this help`);
  if (command.details) lines.push('', command.details.trim());
  return `${lines.join('\n')}\n`;
}
