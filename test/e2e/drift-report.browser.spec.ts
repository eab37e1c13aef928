import { mkdtempSync } from 'node:fs';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestMutation } from '../support/applications';
import { useServiceWithBrowser } from '../support/browser';
import { generatedRecords } from '../support/generated-data';

jest.setTimeout(120_000);

describe('HTML drift report in headless Chromium', () => {
  const setup = useServiceWithBrowser(5000, 202);

  it('renders a 50,000-row batch report with charts, no failed requests and no console errors', async () => {
    const ingest = await setup.service.gql<{ ingestBatch: { drift: { reportUrl: string; status: string } } }>(
      ingestMutation('drift { reportUrl status }'),
      { input: { batchId: 'browser-1', records: generatedRecords(50_000, 33, 'larger_loans', 0.5) } },
    );
    expect(ingest.data!.ingestBatch.drift.status).toBe('DRIFT');

    // A plain link sends no credentials: the report needs a viewer key in the Authorization header.
    const reportUrl = ingest.data!.ingestBatch.drift.reportUrl;
    expect((await setup.service.fetch(reportUrl, {}, null)).status).toBe(401);
    const viewer = await setup.service.issueKey('viewer');
    const context = await setup.browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: viewer.headers });
    const page = await context.newPage();
    const failed: string[] = [];
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    const response = await page.goto(`${setup.service.url}${reportUrl}`, { waitUntil: 'load' });
    expect(response!.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toMatch(/Drift report/);
    // Eight inputs, the prediction and the joint distribution of the inputs.
    expect(await page.locator('#features tbody tr').count()).toBe(10);
    // A histogram per column, an ECDF per numeric one (7, the joint distribution too) and the score-shift bars.
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(10 + 7 + 1);
    expect(await page.locator('tr.drifted').first().textContent()).toMatch(/loanAmount/);

    // Which features moved the scores: the total, a signed bar and a table row per model feature,
    // largest |contribution| first. Larger loans raise the predicted risk: loanAmount pushes up.
    const shift = page.locator('#score-shift');
    expect(await shift.locator('h2').textContent()).toBe('Which features moved the scores');
    expect(await shift.locator('b.total').textContent()).toMatch(/^[+-]\d/);
    expect(await shift.locator('rect.bar').count()).toBe(8);
    const rowLocators = await shift.locator('table.shift tbody tr').all();
    const shiftRows = await Promise.all(rowLocators.map((row) => row.locator('td').allTextContents()));
    expect(shiftRows).toHaveLength(8);
    const magnitudes = shiftRows.map((cells) => Math.abs(Number(cells[3])));
    expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
    const loan = shiftRows.find((cells) => cells[0] === 'loanAmount')!;
    expect(loan[3]).toMatch(/^\+/);
    expect(Number(loan[4].replace('%', ''))).toBeGreaterThanOrEqual(20);
    expect(Number(loan[2])).toBeGreaterThan(Number(loan[1]));
    expect(await shift.locator('svg').boundingBox()).toMatchObject({ width: 560 });

    // The joint distribution, labelled for people, with its error histograms and a line saying what it means.
    const joint = page.locator('#f-multivariate');
    expect(await joint.locator('h3').textContent()).toMatch(/^Joint distribution \(multivariate\): reconstruction error (drift|stable)$/);
    expect(await joint.locator('p.explain').textContent()).toMatch(/correlation structure.*wrong applications/);
    expect(await joint.locator('svg[aria-label$="reconstruction error histogram"] rect').count()).toBeGreaterThan(10);
    expect(await page.locator('#features a[href="#f-multivariate"]').textContent()).toBe(
      'Joint distribution (multivariate): reconstruction error',
    );

    expect(failed).toEqual([]);
    expect(consoleErrors).toEqual([]);
    // Self-contained: the only request is the page itself.
    expect(requests).toEqual([`${setup.service.url}${reportUrl}`]);

    const screenshot = process.env.UPDATE_SCREENSHOTS
      ? join(__dirname, '..', '..', 'docs', 'drift-report.png')
      : join(mkdtempSync(join(tmpdir(), 'shot-')), 'report.png');
    await page.screenshot({ path: screenshot, fullPage: false });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    await context.close();
  });
});
