import { parseArgs } from 'node:util';
import { CliCommand, CliUsageError, CliValues } from './command';

/** Parses `--name value` / `--flag` options for one command, applying defaults and `required`. */
export function parseOptions(command: CliCommand, argv: string[]): CliValues {
  const specs = command.options ?? [];
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = <typeof parsed>(<unknown>parseArgs({
      args: argv,
      options: Object.fromEntries(
        specs.map((spec) => [spec.name, { type: spec.value ? 'string' : 'boolean', multiple: spec.multiple === true }] as const),
      ),
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const values: CliValues = { ...parsed.values };
  const multiple = specs.find((spec) => spec.multiple);
  if (parsed.positionals.length > 0) {
    // `--current a.csv b.csv`: bare arguments are further values of the multi-value option.
    if (!multiple || values[multiple.name] === undefined) throw new CliUsageError(`unexpected argument "${parsed.positionals[0]}"`);
    values[multiple.name] = [...(values[multiple.name] as string[]), ...parsed.positionals];
  }
  for (const spec of specs) {
    if (values[spec.name] === undefined && spec.default !== undefined) values[spec.name] = spec.default;
    if (spec.required && values[spec.name] === undefined) throw new CliUsageError(`--${spec.name} is required`);
  }
  return values;
}

export function stringOption(values: CliValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Values of a `multiple` option (empty when absent). */
export function listOption(values: CliValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function requiredString(values: CliValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === '') throw new CliUsageError(`--${name} is required`);
  return value;
}

/** A number option with bounds, e.g. --holdout 0.25. */
export function numberOption(
  values: CliValues,
  name: string,
  bounds: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new CliUsageError(`--${name} must be a number, got "${text}"`);
  if (bounds.integer && !Number.isInteger(value)) throw new CliUsageError(`--${name} must be a whole number, got "${text}"`);
  if (bounds.min !== undefined && value < bounds.min) throw new CliUsageError(`--${name} must be at least ${bounds.min}, got ${value}`);
  if (bounds.max !== undefined && value > bounds.max) throw new CliUsageError(`--${name} must be at most ${bounds.max}, got ${value}`);
  return value;
}
