import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { generatedRecords } from '../support/generated-data';
import { useServiceFixture } from '../support/service-fixture';

jest.setTimeout(120_000);

describe('live dashboard in headless Chromium', () => {
  const fixture = useServiceFixture();
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows batches and pushes new alerts to the feed as they happen, with no errors', async () => {
    const { service } = fixture;
    await service.gql(`mutation($input: IngestBatchInput!) { ingestBatch(input: $input) { batchId } }`, {
      input: { batchId: 'dash-healthy', records: generatedRecords(300, 61) },
    });

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on('requestfailed', (request) => problems.push(`failed ${request.url()} ${request.failure()?.errorText}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console ${message.text()}`));
    page.on('pageerror', (error) => problems.push(`page ${error.message}`));

    await page.goto(`${service.url}/dashboard`);
    await page.waitForSelector('body[data-loaded="true"]');
    // Locator waits, not page-side functions: the page's CSP forbids evaluating strings.
    await page.locator('#feed-state', { hasText: /^live$/ }).waitFor();
    expect(await page.locator('#batches tr').first().textContent()).toMatch(/dash-healthy.*STABLE/);

    // A drifting batch on the API: its alerts reach the open page over the websocket.
    await service.gql(`mutation($input: IngestBatchInput!) { ingestBatch(input: $input) { batchId } }`, {
      input: { batchId: 'dash-drift', records: generatedRecords(400, 62, 'larger_loans', 0.8) },
    });
    await page.locator('#feed li', { hasText: /CREATED Feature drift on loanAmount/ }).waitFor();
    await page.locator('#batches tr', { hasText: 'dash-drift' }).waitFor();
    expect(await page.locator('#batches tr').first().textContent()).toMatch(/dash-drift.*DRIFT.*loanAmount/);
    expect(problems).toEqual([]);

    const screenshot = process.env.UPDATE_SCREENSHOTS ? join(__dirname, '..', '..', 'docs', 'dashboard.png') : join(mkdtempSync(join(tmpdir(), 'shot-')), 'dashboard.png');
    await page.screenshot({ path: screenshot });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    await page.close();
  });
});
