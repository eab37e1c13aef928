import { CliCommand, CliInterrupted, CliIo, CliUsageError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './command';
import { packageVersion } from './files';
import { formatHelp, PROGRAM } from './help';
import { parseOptions } from './options';
import { CommandEntry, COMMANDS } from './registry';

/**
 * Errors that mean bad input or environment (the message is enough) rather than a bug (stack
 * wanted). Matched by name so this file does not load the modules that define them.
 */
const EXPECTED_ERRORS = ['CsvError', 'ArtifactError', 'ConversionError', 'CliFailure', 'RangeError', 'MasterScaleError'];

/** Runs one invocation and returns the exit code (main.ts passes it to process.exitCode). */
export async function runCli(argv: string[], io: CliIo, commands: CommandEntry[] = COMMANDS): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  const path: CliCommand[] = [];
  let rest = argv;
  // Walk down command / subcommand names until an option or the end.
  while (rest.length > 0 && !rest[0].startsWith('-')) {
    const parent = path[path.length - 1];
    const next = parent
      ? parent.subcommands?.find((command) => command.name === rest[0])
      : commands.find((entry) => entry.name === rest[0])?.load();
    if (!next) {
      const where = path.length > 0 ? `${path.map((c) => c.name).join(' ')} ` : '';
      io.stderr(`${PROGRAM}: unknown ${path.length > 0 ? 'subcommand' : 'command'} "${where}${rest[0]}"\n\n${formatHelp(path, commands)}`);
      return EXIT_USAGE;
    }
    path.push(next);
    rest = rest.slice(1);
    if (!next.subcommands) break;
  }
  const command = path[path.length - 1];
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(formatHelp(path, commands));
    return EXIT_OK;
  }
  if (!command) {
    io.stderr(formatHelp(path, commands));
    return EXIT_USAGE;
  }
  if (!command.run) {
    io.stderr(`${PROGRAM} ${command.name}: a subcommand is required\n\n${formatHelp(path, commands)}`);
    return EXIT_USAGE;
  }
  const label = [PROGRAM, ...path.map((c) => c.name)].join(' ');
  try {
    const values = parseOptions(command, rest);
    await command.run(values, io);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CliInterrupted) {
      io.stderr(`${label}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CliUsageError) {
      io.stderr(`${label}: ${error.message}\nRun "${label} --help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (error instanceof Error && EXPECTED_ERRORS.includes(error.name)) {
      io.stderr(`${label}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    io.stderr(`${label}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILURE;
  }
}
