import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadArtifact } from '../../../src/model/artifact';

const ROOT = resolve(__dirname, '..', '..', '..');
const DATA = join(ROOT, 'datasets', 'demo-stable.csv');

/** The CLI run from another working folder (as the bin would be), quick settings: no cross-validation. */
function train(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [
      '-r',
      require.resolve('ts-node/register/transpile-only'),
      join(ROOT, 'src', 'cli', 'main.ts'),
      'train',
      '--data',
      DATA,
      '--folds',
      '0',
      ...args,
    ],
    { cwd, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') } },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('train never overwrites a model unless told to', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'train-out-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('without --out writes a new out/model-<UTC time>.json under the working folder, never the shipped model', () => {
    const shipped = readFileSync(join(ROOT, 'artifacts', 'model.json'));
    const first = train(cwd);
    const second = train(cwd);
    expect([first.code, second.code]).toEqual([0, 0]);
    const files = readdirSync(join(cwd, 'out'));
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(/^model-\d{8}T\d{9}Z\.json$/);
    expect((JSON.parse(first.stdout) as { artifact: string }).artifact).toBe(join(cwd, 'out', files.sort()[0]));
    expect(loadArtifact(join(cwd, 'out', files[0])).training.rows).toBe(1000);
    expect(readFileSync(join(ROOT, 'artifacts', 'model.json'))).toEqual(shipped);
  });

  it('refuses an existing --out (before training), and replaces it with --force', () => {
    const target = join(cwd, 'existing.json');
    writeFileSync(target, 'keep me');
    const refused = train(cwd, '--out', target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${target} exists; pass --force to overwrite it`);
    expect(refused.stderr).not.toContain('reading'); // refused before reading the data
    expect(readFileSync(target, 'utf8')).toBe('keep me');

    const forced = train(cwd, '--out', target, '--force');
    expect(forced.code).toBe(0);
    expect(loadArtifact(target).training.rows).toBe(1000);
  });
});
