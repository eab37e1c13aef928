import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stopLeftoverPostgres } from '../support/embedded-server';
import { freePort, portOpen } from '../support/ports';
import { CapturedRun, runCaptured } from '../support/process';

jest.setTimeout(300_000);

const ROOT = resolve(__dirname, '..', '..');

/** The lines of the ```bash block in the README's "Command line" section, as a user copies them. */
function readmeCommandLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /^## Command line\n([\s\S]*?)(?=^## )/m.exec(readme);
  if (!section) throw new Error('README.md has no "## Command line" section');
  const block = /^```bash\n([\s\S]*?)^```/m.exec(section[1]);
  if (!block) throw new Error('the "Command line" section has no ```bash block');
  return block[1].split('\n').filter((line) => line.trim() !== '');
}

const LINES = readmeCommandLines();
const PREFIX = 'npm run cli -- ';

/** The command a line runs: "keys create", "train", "dataset convert", "--help"… */
function commandOf(line: string): string {
  const words = line.slice(PREFIX.length).split(/\s+/);
  return ['keys', 'dataset'].includes(words[0]) ? `${words[0]} ${words[1]}` : words[0];
}

function lineOf(command: string): string {
  const line = LINES.find((candidate) => commandOf(candidate) === command);
  if (!line) throw new Error(`the README has no "${PREFIX}${command}" line`);
  return line;
}

/** What a line needs to have run first, in the same folder: revoking a key needs the key the README creates. */
const PREREQUISITES: Record<string, string[]> = { 'keys revoke': ['keys create'] };

/** What a fresh clone has and the commands read: the CLI's sources, the shipped data and model. */
const PROJECT_ENTRIES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'node_modules',
  'src',
  'datasets',
  'artifacts',
  'migrations',
];

const SHIPPED_MODEL = join(ROOT, 'artifacts', 'model.json');

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

type Run = CapturedRun;

function run(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return runCaptured('bash', ['-c', line], { cwd, env });
}

/** The JSON the command printed, after npm's "> package script" banner. */
function printedJson(stdout: string): unknown {
  const start = stdout.search(/^[[{]/m);
  if (start < 0) throw new Error(`no JSON in the output:\n${stdout}`);
  return JSON.parse(stdout.slice(start));
}

/** The value the line gives an option, e.g. "lender-a" for --name (the line's # comment is not part of it). */
function optionOf(line: string, option: string): string | undefined {
  const command = line.replace(/\s#.*$/, '');
  return new RegExp(`--${option} (\\S+)`).exec(command)?.[1];
}

/**
 * Runs every README command line exactly as written, each test in a folder of its own that stands
 * in for a fresh clone (links to the project files the commands read), so its outputs (out/…)
 * land there, the repository stays untouched, and any test passes alone or in any order.
 *
 * The keys commands run as the README describes, with DATABASE_URL unset: each starts the
 * embedded PostgreSQL in the default EMBEDDED_PG_DIR, `.data/postgres` of the folder it runs in,
 * and stops it when done. Only the port is the test's: EMBEDDED_PG_PORT is a port that was just
 * free instead of the default 54329. On a developer's machine 54329 may belong to the demo (its
 * server runs from the repository's .data/postgres), and the CLI would rightly refuse that
 * server, failing this test although nothing is wrong; or the test's server would hold the port
 * while the developer starts the demo, failing the demo instead. The port's value changes
 * nothing on the path under test; a foreign server on the port is embedded-postgres-safety.spec.ts's.
 */
describe('README "Command line" examples', () => {
  const shippedModelHash = sha256(SHIPPED_MODEL);
  const folders: string[] = [];

  afterEach(async () => {
    for (const folder of folders.splice(0)) {
      // A failed keys command must not leave its (detached) PostgreSQL running.
      await stopLeftoverPostgres(join(folder, '.data', 'postgres'));
      rmSync(folder, { recursive: true, force: true });
    }
  });

  function freshClone(): string {
    const folder = mkdtempSync(join(tmpdir(), 'readme-cli-'));
    // PostgreSQL runs as the `postgres` user when the tests run as root: it must reach .data/postgres.
    chmodSync(folder, 0o755);
    folders.push(folder);
    for (const entry of PROJECT_ENTRIES) symlinkSync(join(ROOT, entry), join(folder, entry));
    return folder;
  }

  it('has the examples the CLI documents, each an npm run cli invocation', () => {
    expect(LINES.length).toBeGreaterThanOrEqual(8);
    for (const line of LINES) expect(line).toMatch(/^npm run cli -- \S/);
    for (const command of [
      'keys create',
      'keys list',
      'keys revoke',
      'train',
      'score',
      'evaluate',
      'validate',
      'dataset convert',
      'dataset generate',
      'drift',
    ]) {
      expect(LINES.some((line) => commandOf(line) === command)).toBe(true);
    }
  });

  it.each(LINES.map((line) => [line]))('%s', async (line) => {
    const clone = freshClone();
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'error', EMBEDDED_PG_PORT: String(port) };
    delete env.DATABASE_URL;
    const command = commandOf(line);

    for (const earlier of (PREREQUISITES[command] ?? []).map(lineOf)) {
      const result = await run(earlier, clone, env);
      if (result.code !== 0) throw new Error(`prerequisite "${earlier}" exited ${result.code}:\n${result.stdout}${result.stderr}`);
    }
    const result = await run(line, clone, env);
    if (result.code !== 0) throw new Error(`exit ${result.code}:\n${result.stdout}${result.stderr}`);

    // Every file the line names as an output was written to the folder it ran in.
    for (const option of ['out', 'report']) {
      const output = optionOf(line, option);
      if (output) expect(statSync(join(clone, output)).size).toBeGreaterThan(0);
    }
    if (command === 'train') {
      expect(readdirSync(join(clone, 'out')).filter((name) => /^model-\d{8}T\d{9}Z\.json$/.test(name))).toHaveLength(1);
    }
    expect(sha256(SHIPPED_MODEL)).toBe(shippedModelHash);

    if (command.startsWith('keys ')) {
      const printed = printedJson(result.stdout);
      if (command === 'keys create') {
        expect(printed).toEqual({
          id: expect.any(String),
          name: optionOf(line, 'name'),
          role: optionOf(line, 'role'),
          key: expect.any(String),
        });
      } else if (command === 'keys list') {
        expect(printed).toEqual([]);
      } else if (command === 'keys revoke') {
        expect(printed).toMatchObject({ name: optionOf(line, 'name'), revokedAt: expect.any(String) });
      }
      // The default data folder, relative to where the command ran; the server it started is stopped.
      expect(existsSync(join(clone, '.data', 'postgres', 'PG_VERSION'))).toBe(true);
      expect(await portOpen(port)).toBe(false);
      expect(existsSync(join(clone, '.data', 'postgres', 'postmaster.pid'))).toBe(false);
    }
  });
});
