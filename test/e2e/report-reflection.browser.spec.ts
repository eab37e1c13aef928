import { useServiceWithBrowser } from '../support/browser';

jest.setTimeout(120_000);

/** Markup that runs script when a page parses it as HTML. */
const INJECTIONS = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '"><svg onload=alert(1)><iframe src=javascript:alert(1)>'];

describe('report URLs in headless Chromium: error bodies are never parsed as HTML', () => {
  const setup = useServiceWithBrowser(1000, 404);

  it.each(INJECTIONS)('opening /reports/%s builds no elements from the input and runs nothing', async (injection) => {
    // Authenticated like a console user, so the request reaches the report route itself.
    const context = await setup.browser.newContext({ extraHTTPHeaders: setup.service.adminKey.headers });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const requests: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    page.on('request', (request) => requests.push(request.url()));

    const url = `${setup.service.url}/reports/${encodeURIComponent(injection)}`;
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response!.status()).toBe(404);
    expect(response!.headers()['content-type']).toBe('application/json; charset=utf-8');
    expect(response!.headers()['x-content-type-options']).toBe('nosniff');

    // Evaluated as strings: the test tsconfig has no DOM lib.
    expect(await page.evaluate(`document.querySelectorAll('img,script,svg,iframe').length`)).toBe(0);
    expect(await page.evaluate('document.contentType')).toBe('application/json');
    expect(await page.evaluate('document.body ? document.body.innerText : ""')).toContain('NOT_FOUND');
    expect(dialogs).toEqual([]);
    // Only the page itself was requested: no `src=x` fetch from a built <img>.
    expect(requests).toEqual([url]);
    await context.close();
  });
});
