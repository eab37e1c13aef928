import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { ingestMutation } from '../support/applications';
import { launchChromium } from '../support/browser';
import { generatedRecords } from '../support/generated-data';
import type { IssuedKey } from '../support/keys';
import { useServiceFixture } from '../support/service-fixture';

jest.setTimeout(120_000);

/** Well formed (cmk_<16 hex>_<43 base64url>) but never issued. */
const UNKNOWN_KEY = `cmk_${'0'.repeat(16)}_${'A'.repeat(43)}`;

describe('live dashboard in headless Chromium', () => {
  const fixture = useServiceFixture();
  let browser: Browser;
  let viewer: IssuedKey;

  beforeAll(async () => {
    browser = await launchChromium();
    viewer = await fixture.service.issueKey('viewer');
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Everything the page asked the network for, to check no URL ever carried the key. */
  function recordUrls(page: Page): string[] {
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    page.on('websocket', (socket) => urls.push(socket.url()));
    return urls;
  }

  it('takes the key from the link fragment, shows batches, pushes new alerts live and opens reports, with no errors', async () => {
    const { service } = fixture;
    await service.gql(ingestMutation('batchId'), {
      input: { batchId: 'dash-healthy', records: generatedRecords(300, 61) },
    });

    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('requestfailed', (request) => problems.push(`failed ${request.url()} ${request.failure()?.errorText}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console ${message.text()}`));
    page.on('pageerror', (error) => problems.push(`page ${error.message}`));
    const urls = recordUrls(page);

    await page.goto(`${service.url}/dashboard#key=${viewer.key}`);
    await page.waitForSelector('body[data-loaded="true"]');
    // Locator waits, not page-side functions: the page's CSP forbids evaluating strings.
    await page.locator('#feed-state', { hasText: /^live$/ }).waitFor();
    expect(await page.locator('#batches tr').first().textContent()).toMatch(/dash-healthy.*STABLE/);

    // The key left the address bar (history.replaceState) and never reached the markup or a URL.
    expect(page.url()).toBe(`${service.url}/dashboard`);
    expect(await page.evaluate('location.href')).toBe(`${service.url}/dashboard`);
    expect(await page.evaluate('document.documentElement.outerHTML')).not.toContain(viewer.key);
    expect(await page.locator('#auth').isHidden()).toBe(true);

    // A drifting batch on the API: its alerts reach the open page over the websocket.
    await service.gql(ingestMutation('batchId'), {
      input: { batchId: 'dash-drift', records: generatedRecords(400, 62, 'larger_loans', 0.8) },
    });
    await page.locator('#feed li', { hasText: /CREATED Feature drift on loanAmount/ }).waitFor();
    await page.locator('#batches tr', { hasText: 'dash-drift' }).waitFor();
    expect(await page.locator('#batches tr').first().textContent()).toMatch(/dash-drift.*DRIFT.*loanAmount/);

    const screenshot = process.env.UPDATE_SCREENSHOTS
      ? join(__dirname, '..', '..', 'docs', 'dashboard.png')
      : join(mkdtempSync(join(tmpdir(), 'shot-')), 'dashboard.png');
    await page.screenshot({ path: screenshot });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);

    // The report link needs the Authorization header: the page fetches the report and shows it
    // in a new tab from a blob: URL.
    const [report] = await Promise.all([
      page.waitForEvent('popup'),
      page.locator('#batches tr', { hasText: 'dash-drift' }).locator('a[data-report]').click(),
    ]);
    report.on('pageerror', (error) => problems.push(`report ${error.message}`));
    // A CSP violation in the report tab (it inherits the dashboard's policy) is a console error.
    report.on('console', (message) => message.type() === 'error' && problems.push(`report console ${message.text()}`));
    await report.waitForURL(/^blob:/);
    await report.locator('h1', { hasText: /Drift report/ }).waitFor();
    expect(await report.locator('tr.drifted').first().textContent()).toMatch(/loanAmount/);
    expect(await report.locator('svg').count()).toBeGreaterThan(0);
    await report.close();

    // A reload keeps working from sessionStorage, with nothing in the address bar.
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]');
    await page.locator('#feed-state', { hasText: /^live$/ }).waitFor();
    expect(page.url()).toBe(`${service.url}/dashboard`);

    expect(problems).toEqual([]);
    expect(urls.filter((url) => url.includes(viewer.key))).toEqual([]);
    expect(urls.some((url) => url.includes('/reports/'))).toBe(true);
    await context.close();
  });

  it('asks for a key when it has none and works with the pasted one', async () => {
    const { service } = fixture;
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const urls = recordUrls(page);

    await page.goto(`${service.url}/dashboard`);
    await page.waitForSelector('body[data-auth="missing"]');
    expect(await page.locator('#auth').isVisible()).toBe(true);
    expect(await page.locator('#auth-message').textContent()).toMatch(/needs an API key/);
    expect(await page.locator('#feed-state').textContent()).toBe('no key');

    await page.locator('#key-input').fill(viewer.key);
    await page.locator('#key-form button[type="submit"]').click();
    await page.waitForSelector('body[data-loaded="true"]');
    await page.locator('#feed-state', { hasText: /^live$/ }).waitFor();
    expect(await page.locator('#auth').isHidden()).toBe(true);
    expect(await page.locator('#key-input').inputValue()).toBe('');
    expect(await page.evaluate('document.documentElement.outerHTML')).not.toContain(viewer.key);
    expect(page.url()).toBe(`${service.url}/dashboard`);

    expect(errors).toEqual([]);
    expect(urls.filter((url) => url.includes(viewer.key))).toEqual([]);
    await context.close();
  });

  it('says clearly when the key is refused (unknown) or lacks the role, and offers the form again', async () => {
    const { service } = fixture;
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${service.url}/dashboard#key=${UNKNOWN_KEY}`);
    await page.waitForSelector('body[data-auth="unauthenticated"]');
    expect(await page.locator('#auth-message').textContent()).toMatch(/API key was refused \(UNAUTHENTICATED: .*Unknown API key/);
    expect(await page.locator('#key-form').isVisible()).toBe(true);
    expect(page.url()).toBe(`${service.url}/dashboard`);
    expect(await page.locator('body').getAttribute('data-loaded')).toBeNull();

    // An ingest key authenticates, but may not read what the dashboard shows.
    const ingest = await service.issueKey('ingest');
    await page.locator('#key-input').fill(ingest.key);
    await page.locator('#key-form button[type="submit"]').click();
    await page.waitForSelector('body[data-auth="forbidden"]');
    expect(await page.locator('#auth-message').textContent()).toMatch(/Access denied \(FORBIDDEN\)/);
    expect(await page.locator('#key-form').isVisible()).toBe(true);

    // The form takes a good key after a refusal.
    await page.locator('#key-input').fill(viewer.key);
    await page.locator('#key-form button[type="submit"]').click();
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.locator('#auth').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
