import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase } from '../support/database';

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

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function run(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', line], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

/**
 * Runs every README command line exactly as written, in order, so the README cannot drift from
 * the CLI again. The working folder is a stand-in for a fresh clone: links to the project files
 * the commands read, so their outputs (out/…) land there and the repository stays untouched. The
 * keys commands get a database of their own through DATABASE_URL.
 */
describe('README "Command line" examples', () => {
  const lines = readmeCommandLines();
  const clone = mkdtempSync(join(tmpdir(), 'readme-cli-'));
  const shippedModel = join(ROOT, 'artifacts', 'model.json');
  const shippedModelHash = sha256(shippedModel);
  let database: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    for (const entry of PROJECT_ENTRIES) symlinkSync(join(ROOT, entry), join(clone, entry));
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
    rmSync(clone, { recursive: true, force: true });
  });

  it('has the examples the CLI documents, each an npm run cli invocation', () => {
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) expect(line).toMatch(/^npm run cli -- \S/);
    for (const command of [
      'keys create',
      'keys list',
      'keys revoke',
      'train',
      'score',
      'evaluate',
      'dataset convert',
      'dataset generate',
      'drift',
    ]) {
      expect(lines.some((line) => line.startsWith(`npm run cli -- ${command} `))).toBe(true);
    }
  });

  it.each(lines.map((line) => [line]))('%s', async (line) => {
    const env = { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'error' };
    const result = await run(line, clone, env);
    if (result.code !== 0) throw new Error(`exit ${result.code}:\n${result.output}`);
  });

  it('wrote its outputs to out/ and left the shipped model alone', () => {
    const written = readdirSync(join(clone, 'out'));
    expect(written).toEqual(expect.arrayContaining(['scores.csv', 'credit.csv', 'batch.csv', 'report.html']));
    expect(written.filter((name) => /^model-\d{8}T\d{9}Z\.json$/.test(name))).toHaveLength(1);
    expect(sha256(shippedModel)).toBe(shippedModelHash);
  });
});
