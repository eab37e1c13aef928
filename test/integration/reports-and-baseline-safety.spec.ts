import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestMutation } from '../support/applications';
import { generatedCsvFolder, generatedRecords } from '../support/generated-data';
import { GraphqlResponse } from '../support/service';
import { useServiceFixture } from '../support/service-fixture';

const INJECTION = '"><img src=x onerror=alert(1)><script>alert(2)</script>';
const REINIT = `mutation($input: ReinitializeBaselineInput!) { reinitializeBaseline(input: $input) { version rowCount source } }`;

/** Text a baseline error may never show: server folders, resolved paths. */
function serverPaths(): string[] {
  return [process.cwd(), resolve(process.cwd()), '/work', '/tmp', tmpdir()];
}

/** The error's message and extensions, without Apollo's development-only stack trace. */
function errorText(response: GraphqlResponse): string {
  expect(response.errors).toHaveLength(1);
  const { message, extensions } = response.errors![0];
  const { stacktrace: _stacktrace, ...rest } = extensions ?? {};
  return JSON.stringify({ message, extensions: rest });
}

function expectNoServerPath(text: string): void {
  for (const path of serverPaths()) expect(text).not.toContain(path);
}

async function expectJsonError(response: Response): Promise<{ error: { code: string; message: string } }> {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  const text = await response.text();
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(typeof body.error.code).toBe('string');
  // Nothing of the input comes back as markup (nor even JSON-escaped).
  expect(text).not.toMatch(/<img|<script|<svg|onerror|onload/i);
  return body;
}

describe('reports and baseline files: no reflection, no leaks (default data folder)', () => {
  const fixture = useServiceFixture();

  it('GET /reports/<markup> is a JSON 404 with nosniff, never text/html', async () => {
    for (const id of [INJECTION, '"><svg onload=alert(1)>', '../../etc/passwd', "x' OR '1'='1"]) {
      const response = await fixture.service.fetch(`/reports/${encodeURIComponent(id)}`);
      const body = await expectJsonError(response);
      expect(response.status).toBe(404);
      expect(body.error.code).toBe('NOT_FOUND');
      expect(response.headers.get('content-security-policy')).toBeNull();
    }
  });

  it('GET /reports/<markup> without credentials is a JSON 401 with nosniff', async () => {
    const response = await fixture.service.fetch(`/reports/${encodeURIComponent(INJECTION)}`, {}, null);
    const body = await expectJsonError(response);
    expect(response.status).toBe(401);
    expect(body.error.code).toBe('UNAUTHENTICATED');
  });

  it('GET /reports/<unknown uuid> is a JSON 404 with nosniff', async () => {
    const response = await fixture.service.fetch(`/reports/${randomUUID()}`);
    const body = await expectJsonError(response);
    expect(response.status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
  });

  it('other HTTP errors are JSON with nosniff too (unknown route)', async () => {
    const response = await fixture.service.fetch(`/no-such-route/${encodeURIComponent(INJECTION)}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(JSON.parse(await response.text())).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('refuses files in the data folder that are not CSV (BAD_USER_INPUT), without content or server paths', async () => {
    const readme = readFileSync(join('datasets', 'README.md'), 'utf8').split('\n')[0].trim();
    for (const path of ['generator.ts', 'README.md', 'credit-g-profile.json', 'paths.ts']) {
      for (const source of ['CSV', 'CSV_FIRST_ROWS', 'CSV_RANDOM_ROWS']) {
        const response = await fixture.service.gql(REINIT, { input: { source, path, rows: 10 } });
        expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
        const text = errorText(response);
        expect(text).toContain('not a CSV file');
        expectNoServerPath(text);
        expect(text).not.toContain(readme);
        expect(text).not.toMatch(/import |export /);
      }
    }
  });

  it('refuses paths outside the data folder (FORBIDDEN), naming no server folder', async () => {
    const outside = [
      '../package.json',
      '../README.md',
      '../datasets/../src/main.ts',
      `${process.cwd()}/package.json`,
      '/etc/passwd',
      '/tmp/x.csv',
      '../x.csv',
    ];
    for (const path of outside) {
      const response = await fixture.service.gql(REINIT, { input: { source: 'CSV', path } });
      expect(response.errors![0].extensions!.code).toBe('FORBIDDEN');
      const text = errorText(response);
      expect(text).toMatch(path.startsWith('/') ? /absolute paths are not accepted/ : /outside the baseline data folder/);
      expectNoServerPath(text);
      expect(text).not.toContain('"name"'); // nothing of package.json
    }
  });

  it('refuses a missing file, the folder itself and odd paths without server paths', async () => {
    for (const path of ['missing.csv', '.', './', 'nested/missing.CSV', 'a\u0000b.csv', 'x'.repeat(600) + '.csv']) {
      const response = await fixture.service.gql(REINIT, { input: { source: 'CSV', path } });
      expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expectNoServerPath(errorText(response));
    }
    expect((await fixture.sql.query(`SELECT count(*)::int AS n FROM baselines`)).rows[0].n).toBe(1);
  });
});

describe('reports and baseline files: CSV-only, content-free errors (temporary data folder)', () => {
  const data = generatedCsvFolder(1_500, 303);
  const SECRET = 'secret-cell-4711';
  const header = readFileSync(join(data.dir, data.file), 'utf8').split('\n')[0];
  const goodLine = readFileSync(join(data.dir, data.file), 'utf8').split('\n')[1];
  const cells = goodLine.split(',');
  const badValue = [...cells];
  badValue[1] = `<script>${SECRET}</script>`;
  const badLabel = [...cells];
  badLabel[badLabel.length - 1] = SECRET;

  writeFileSync(join(data.dir, 'bad-value.csv'), `${header}\n${goodLine}\n${badValue.join(',')}\n`);
  writeFileSync(join(data.dir, 'bad-label.csv'), `${header}\n${badLabel.join(',')}\n`);
  writeFileSync(join(data.dir, 'bad-header.csv'), `${SECRET},customer_id\n1,2\n`);
  writeFileSync(join(data.dir, 'duplicate-header.csv'), `${header},${SECRET},${SECRET}\n`);
  writeFileSync(join(data.dir, 'bad-quote.csv'), `${header}\n"${SECRET}\n`);
  writeFileSync(join(data.dir, 'short-row.csv'), `${header}\n${SECRET},1\n`);
  writeFileSync(join(data.dir, 'empty.csv'), '');
  writeFileSync(join(data.dir, 'header-only.csv'), `${header}\n`);
  writeFileSync(join(data.dir, 'binary.csv'), Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0a, 0x80, 0x81]));
  writeFileSync(join(data.dir, 'notes.txt'), SECRET);
  copyFileSync(join(data.dir, data.file), join(data.dir, 'UPPER.CSV'));
  mkdirSync(join(data.dir, 'folder.csv'));
  mkdirSync(join(data.dir, 'sub'));
  copyFileSync(join(data.dir, data.file), join(data.dir, 'sub', 'nested.csv'));
  execFileSync('mkfifo', [join(data.dir, 'pipe.csv')]);
  symlinkSync(join(data.dir, 'notes.txt'), join(data.dir, 'txt-link.csv'));
  symlinkSync(resolve('datasets', 'baseline-sample.csv'), join(data.dir, 'outside-link.csv'));
  symlinkSync(resolve('datasets'), join(data.dir, 'outside-dir'));

  const fixture = useServiceFixture({ BASELINE_DATA_DIR: data.dir, BASELINE_SEED_PATH: join(data.dir, data.file) });

  async function reinit(
    path: string,
    source = 'CSV',
  ): Promise<GraphqlResponse<{ reinitializeBaseline: { version: number; rowCount: number; source: string } }>> {
    return fixture.service.gql(REINIT, { input: { source, path, rows: 100 } });
  }

  it('accepts CSV files, with the extension in any case and in subfolders', async () => {
    const upper = await reinit('UPPER.CSV');
    expect(upper.errors).toBeUndefined();
    expect(upper.data!.reinitializeBaseline).toMatchObject({ rowCount: 1_500, source: 'csv:UPPER.CSV' });
    const nested = await reinit('sub/nested.csv', 'CSV_FIRST_ROWS');
    expect(nested.errors).toBeUndefined();
    expect(nested.data!.reinitializeBaseline).toMatchObject({ rowCount: 100 });
  });

  it('malformed CSV: BAD_USER_INPUT with the path as given, line number and rule, no file content', async () => {
    const cases: Array<[string, RegExp]> = [
      ['bad-value.csv', /^path: 'bad-value\.csv' line 3, column "age": not a finite number$/],
      ['bad-label.csv', /^path: 'bad-label\.csv' line 2, column "actual_default": not a label/],
      ['bad-header.csv', /^path: 'bad-header\.csv' line 1, column "age": missing column "age" in the header$/],
      ['duplicate-header.csv', /^path: 'duplicate-header\.csv' line 1: column appears twice in the header$/],
      ['bad-quote.csv', /^path: 'bad-quote\.csv' line 2: unterminated quoted field/],
      ['short-row.csv', /^path: 'short-row\.csv' line 2: expected \d+ fields as in the header, found 2$/],
      ['empty.csv', /^path: 'empty\.csv' line 1: empty file/],
      ['header-only.csv', /^path: 'header-only\.csv' has no data rows$/],
      ['binary.csv', /^path: 'binary\.csv' line 1, column "age": missing column "age" in the header$/],
    ];
    for (const [path, message] of cases) {
      for (const source of ['CSV', 'CSV_RANDOM_ROWS']) {
        const response = await reinit(path, source);
        expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
        expect(response.errors![0].message).toMatch(message);
        const text = errorText(response);
        expect(text).not.toContain(SECRET);
        expect(text).not.toMatch(/<script|customer_id,/);
        expectNoServerPath(text);
      }
    }
  });

  it('refuses directories, FIFOs and non-CSV targets of symlinks; symlinks out of the folder are FORBIDDEN', async () => {
    const bad: Array<[string, string, string]> = [
      ['notes.txt', 'BAD_USER_INPUT', 'not a CSV file'],
      ['sub', 'BAD_USER_INPUT', 'not a CSV file'],
      ['sub/', 'BAD_USER_INPUT', 'not a CSV file'],
      ['folder.csv', 'BAD_USER_INPUT', 'not a regular file'],
      ['pipe.csv', 'BAD_USER_INPUT', 'not a regular file'],
      ['txt-link.csv', 'BAD_USER_INPUT', 'not a CSV file'],
      ['outside-link.csv', 'FORBIDDEN', 'outside the baseline data folder'],
      ['outside-dir/baseline-sample.csv', 'FORBIDDEN', 'outside the baseline data folder'],
      ['outside-dir/missing.csv', 'FORBIDDEN', 'outside the baseline data folder'],
      ['../package.json', 'FORBIDDEN', 'outside the baseline data folder'],
      [join(data.dir, data.file), 'FORBIDDEN', 'absolute paths are not accepted'],
    ];
    for (const [path, code, rule] of bad) {
      const started = Date.now();
      const response = await reinit(path);
      expect(Date.now() - started).toBeLessThan(5_000); // a FIFO is never waited on
      expect({ path, code: response.errors?.[0].extensions?.code }).toEqual({ path, code });
      const text = errorText(response);
      expect(text).toContain(rule);
      expect(text).not.toContain(SECRET);
      expectNoServerPath(text);
    }
  });

  it('stored report data is escaped in the HTML report', async () => {
    const ingest = await fixture.service.gql<{ ingestBatch: { drift: { id: string; reportUrl: string } } }>(
      ingestMutation('drift { id reportUrl }'),
      { input: { batchId: 'escape-1', records: generatedRecords(300, 5) } },
    );
    expect(ingest.errors).toBeUndefined();
    const { id, reportUrl } = ingest.data!.ingestBatch.drift;
    const [row] = (await fixture.sql.query(`SELECT details, batch_id FROM drift_reports WHERE id = $1`, [id])).rows;
    const details = row.details as { features: Array<{ feature: string; reason?: string; sampleSize: unknown }> };
    const age = details.features.find((f) => f.feature === 'age')!;
    age.feature = INJECTION;
    age.reason = INJECTION;
    age.sampleSize = INJECTION;
    await fixture.sql.query(`UPDATE drift_reports SET details = $2, model_version = $3 WHERE id = $1`, [
      id,
      JSON.stringify(details),
      INJECTION,
    ]);
    await fixture.sql.query(
      `UPDATE feature_drift_metrics SET feature = $2, method = $2, feature_kind = $2 WHERE drift_report_id = $1 AND feature = 'age'`,
      [id, INJECTION],
    );
    await fixture.sql.query(`UPDATE batches SET batch_id = $2 WHERE id = $1`, [row.batch_id, INJECTION]);

    const response = await fixture.service.fetch(reportUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<img|<script/i);
  });
});
