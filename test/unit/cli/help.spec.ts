import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliCommand } from '../../../src/cli/command';
import { columns, formatHelp } from '../../../src/cli/help';
import { COMMANDS } from '../../../src/cli/registry';
import { runCli } from '../../../src/cli/run-cli';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

/** The rows of each two-column table in a help text (the indented lines after "Commands:" etc.). */
function tables(help: string): string[][] {
  const result: string[][] = [];
  let current: string[] | null = null;
  for (const line of help.split('\n')) {
    if (/^(Commands|Subcommands|Options):$/.test(line)) result.push((current = []));
    else if (current && line.startsWith('  ')) current.push(line);
    else current = null;
  }
  return result;
}

/** Every help text the CLI prints: the program's, each command's and each subcommand's. */
function allHelpPaths(): CliCommand[][] {
  const paths: CliCommand[][] = [[]];
  for (const entry of COMMANDS) {
    const command = entry.load();
    paths.push([command]);
    for (const sub of command.subcommands ?? []) paths.push([command, sub]);
  }
  return paths;
}

describe('CLI help and version', () => {
  it('columns() keeps at least two spaces after the longest name and aligns the second column', () => {
    const rows = columns([
      ['--short', 'a'],
      ['--a-very-long-option-name <with a placeholder>', 'b'],
    ]);
    expect(rows[1]).toBe('  --a-very-long-option-name <with a placeholder>  b');
    expect(rows[0].indexOf('a', 9)).toBe(rows[1].lastIndexOf('b'));
  });

  it.each(allHelpPaths().map((path) => [path.map((c) => c.name).join(' ') || '(program)', path] as const))(
    'help of %s: two columns separated by at least two spaces, descriptions aligned',
    (_name, path) => {
      const help = formatHelp(path, COMMANDS);
      const found = tables(help);
      expect(found.length).toBeGreaterThan(0);
      for (const rows of found) {
        // The second column starts where the widest name plus two spaces ends, on every row.
        const starts = rows.map((row) => /^ {2}\S(?:.*?\S)? {2,}(?=\S)/.exec(row)?.[0].length);
        expect(starts.every((start) => start !== undefined)).toBe(true);
        expect(new Set(starts).size).toBe(1);
      }
    },
  );

  it('--help lists --version; --version prints the version in package.json', async () => {
    const version = (JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
    expect((await cli('--help')).stdout).toMatch(/^ {2}--version {2,}Print the version$/m);
    for (const flag of ['--version', '-V']) expect(await cli(flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
