import { mkdtempSync } from 'node:fs';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { ingestMutation } from '../support/applications';
import { launchChromium } from '../support/browser';
import { createTestDatabase } from '../support/database';
import { generatedCsvFolder, generatedRecords } from '../support/generated-data';
import { startTestService, TestService } from '../support/service';

jest.setTimeout(120_000);

describe('HTML drift report in headless Chromium', () => {
  let db: { url: string; drop(): Promise<void> };
  let service: TestService;
  let browser: Browser;

  beforeAll(async () => {
    const data = generatedCsvFolder(5_000, 202);
    db = await createTestDatabase();
    service = await startTestService(db.url, { BASELINE_DATA_DIR: data.dir, BASELINE_SEED_PATH: join(data.dir, data.file) });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await db?.drop();
  });

  it('renders a 50,000-row batch report with charts, no failed requests and no console errors', async () => {
    const ingest = await service.gql<{ ingestBatch: { drift: { reportUrl: string; status: string } } }>(
      ingestMutation('drift { reportUrl status }'),
      { input: { batchId: 'browser-1', records: generatedRecords(50_000, 33, 'larger_loans', 0.5) } },
    );
    expect(ingest.data!.ingestBatch.drift.status).toBe('DRIFT');

    // A plain link sends no credentials: the report needs a viewer key in the Authorization header.
    const reportUrl = ingest.data!.ingestBatch.drift.reportUrl;
    expect((await service.fetch(reportUrl, {}, null)).status).toBe(401);
    const viewer = await service.issueKey('viewer');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: viewer.headers });
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

    const response = await page.goto(`${service.url}${reportUrl}`, { waitUntil: 'load' });
    expect(response!.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toMatch(/Drift report/);
    expect(await page.locator('tbody tr').count()).toBe(9);
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(9 + 7);
    expect(await page.locator('tr.drifted').first().textContent()).toMatch(/loanAmount/);
    expect(failed).toEqual([]);
    expect(consoleErrors).toEqual([]);
    // Self-contained: the only request is the page itself.
    expect(requests).toEqual([`${service.url}${reportUrl}`]);

    const screenshot = process.env.UPDATE_SCREENSHOTS
      ? join(__dirname, '..', '..', 'docs', 'drift-report.png')
      : join(mkdtempSync(join(tmpdir(), 'shot-')), 'report.png');
    await page.screenshot({ path: screenshot, fullPage: false });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    await context.close();
  });
});
