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
    expect(await page.locator('tbody tr').count()).toBe(9);
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(9 + 7);
    expect(await page.locator('tr.drifted').first().textContent()).toMatch(/loanAmount/);
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
