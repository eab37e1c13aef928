/**
 * The shape of a CLI command. A command is one file in src/cli/commands/ exporting a CliCommand,
 * plus one line in src/cli/registry.ts; main.ts, option parsing, --help and error handling are
 * shared.
 */

export interface CliOption {
  /** Long name without dashes, e.g. "data" for --data. */
  name: string;
  /** Placeholder shown in help (e.g. "<csv>"); omit for a boolean flag. */
  value?: string;
  description: string;
  required?: boolean;
  /** Shown in help and used when the option is absent. */
  default?: string;
  /**
   * Takes one or more values: `--current a.csv b.csv` or `--current a.csv --current b.csv`
   * (bare arguments after the option belong to it). Read with listOption().
   */
  multiple?: boolean;
}

export type CliValues = Record<string, string | boolean | string[] | undefined>;

export interface CliIo {
  /** Results (JSON or CSV) — keep it machine-readable. */
  stdout(text: string): void;
  /** Progress and diagnostics. */
  stderr(text: string): void;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Extra help text after the options (examples, output format). */
  details?: string;
  options?: CliOption[];
  /** A command with subcommands (e.g. `dataset convert`) has no run of its own. */
  subcommands?: CliCommand[];
  run?(values: CliValues, io: CliIo): Promise<void>;
}

/** Wrong invocation: printed with a pointer to --help, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Bad input or environment (unreadable file, invalid data): message only, exit code 1. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

/**
 * Stopped by SIGINT/SIGTERM after releasing what it held: message only, exit code 128 + the
 * signal's number (130 for Ctrl-C), as a shell reports a command a signal ended.
 */
export class CliInterrupted extends Error {
  constructor(
    readonly signal: NodeJS.Signals,
    readonly exitCode: number,
  ) {
    super(`interrupted by ${signal}`);
    this.name = 'CliInterrupted';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
