import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Page, WebSocket as PageSocket } from 'playwright-core';
import { ingestMutation } from '../support/applications';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { generatedRecords } from '../support/generated-data';
import type { IssuedKey } from '../support/keys';
import { useServiceFixture } from '../support/service-fixture';

jest.setTimeout(180_000);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const SUBSCRIPTION = 'subscription { alertChanged { id type alert { message feature } } }';

interface Watched {
  page: Page;
  /** Requests to any host but loopback (each one aborted). */
  external: string[];
  /** Failed requests, console errors and uncaught page errors. */
  problems: string[];
  /** Every websocket the page opened, in order. */
  sockets: PageSocket[];
  /** The payload of each socket's connection_init, by socket. */
  initPayloads: Map<PageSocket, unknown>;
}

/** A page on an offline network: anything that is not loopback is aborted and recorded. */
async function offlinePage(context: BrowserContext): Promise<Watched> {
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (LOOPBACK.has(new URL(url).hostname)) return route.continue();
    external.push(url);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const sockets: PageSocket[] = [];
  const initPayloads = new Map<PageSocket, unknown>();
  page.on('requestfailed', (request) => problems.push(`failed ${request.url()} ${request.failure()?.errorText}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page ${error.message}`));
  page.on('websocket', (socket) => {
    sockets.push(socket);
    // Websockets bypass context.route: check their host here.
    if (!LOOPBACK.has(new URL(socket.url()).hostname)) external.push(socket.url());
    socket.on('framesent', ({ payload }) => {
      const message = JSON.parse(String(payload)) as { type: string; payload?: unknown };
      if (message.type === 'connection_init') initPayloads.set(socket, message.payload);
    });
  });
  return { page, external, problems, sockets, initPayloads };
}

/** Replaces the text of one of GraphiQL's CodeMirror editors, as a user pasting would. */
async function replaceEditorText(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .CodeMirror`).filter({ visible: true }).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

const HEADERS_EDITOR = 'section.graphiql-editor-tool[aria-label="Headers"]';
const QUERY_EDITOR = 'section.graphiql-query-editor';

async function setHeaders(page: Page, key: IssuedKey): Promise<void> {
  await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
  await replaceEditorText(page, HEADERS_EDITOR, JSON.stringify({ Authorization: key.headers.authorization }, null, 2));
}

async function run(page: Page, operation: string): Promise<void> {
  await replaceEditorText(page, QUERY_EDITOR, operation);
  await page.locator('button.graphiql-execute-button').click();
}

describe('offline GraphQL IDE in headless Chromium', () => {
  const fixture = useServiceFixture();
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('runs a query and a live subscription with the key from the headers editor, with nothing loaded from outside', async () => {
    const { service } = fixture;
    const viewer = await service.issueKey('viewer');
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const { page, external, problems, sockets, initPayloads } = await offlinePage(context);

    await page.goto(`${service.url}/graphql`);
    await page.locator(`${QUERY_EDITOR} .CodeMirror`).waitFor();
    // The schema came in through introspection (on outside production): the docs explorer has it.
    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    await page.locator('.graphiql-doc-explorer', { hasText: 'Root Types' }).waitFor();

    // A query over HTTP with the pasted key.
    await setHeaders(page, viewer);
    await run(page, '{\n  me {\n    name\n    role\n  }\n  activeBaseline {\n    version\n    rowCount\n  }\n}');
    const response = page.locator('.graphiql-response');
    await response.locator('.CodeMirror', { hasText: '"role": "viewer"' }).waitFor();
    expect(await response.textContent()).toContain(`"name": "${viewer.name}"`);

    const screenshot = process.env.UPDATE_SCREENSHOTS
      ? join(__dirname, '..', '..', 'docs', 'graphql-ide.png')
      : join(mkdtempSync(join(tmpdir(), 'shot-')), 'graphql-ide.png');
    await page.screenshot({ path: screenshot });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);

    // A subscription over graphql-ws, authenticated by connection_init { authorization }.
    const firstSocket = page.waitForEvent('websocket');
    await run(page, SUBSCRIPTION);
    const socket = await firstSocket;
    expect(new URL(socket.url()).pathname).toBe('/graphql');
    expect(
      await eventually(async () => initPayloads.get(socket), { timeoutMs: 10_000, what: "the first socket's connection_init" }),
    ).toEqual({ authorization: viewer.headers.authorization });
    // The button turns into Stop once the subscription runs.
    await page.locator('button.graphiql-execute-button[aria-label^="Stop"]').waitFor();

    // A drifting batch through the API: its alert events reach the result pane live. The
    // subscription starts at "now" once the server has set it up; a second batch (an UPDATED
    // event for the same alerts) covers a first one that raced that set-up.
    for (let attempt = 0; attempt < 3; attempt++) {
      const ingested = await service.gql(ingestMutation('batchId'), {
        input: { batchId: `ide-drift-${attempt}`, records: generatedRecords(400, 62 + attempt, 'larger_loans', 0.8) },
      });
      expect(ingested.errors).toBeUndefined();
      const arrived = await response
        .locator('.CodeMirror', { hasText: '"alertChanged"' })
        .waitFor({ timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (arrived) break;
    }
    await response.locator('.CodeMirror', { hasText: /"type": "(CREATED|UPDATED)"/ }).waitFor();
    expect(await response.textContent()).toMatch(/"message": "[^"]+"/);

    // New headers, new credential: the old socket closes at once, and the next subscription
    // opens a socket whose connection_init carries the new key.
    const admin = service.adminKey;
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await setHeaders(page, admin);
    await closed;
    await page.locator('button.graphiql-execute-button[aria-label^="Execute"]').waitFor();
    const secondSocket = page.waitForEvent('websocket');
    await run(page, SUBSCRIPTION);
    const next = await secondSocket;
    expect(
      await eventually(async () => initPayloads.get(next), { timeoutMs: 10_000, what: "the second socket's connection_init" }),
    ).toEqual({ authorization: admin.headers.authorization });
    await page.locator('button.graphiql-execute-button[aria-label^="Stop"]').waitFor();
    expect(sockets).toHaveLength(2);

    // No key left in the browser's storage (GraphiQL's history is written without headers).
    const stored = String(await page.evaluate('JSON.stringify(Object.assign({}, localStorage, sessionStorage))'));
    expect(stored).toContain('alertChanged'); // the history was written
    expect(stored).not.toContain(viewer.key);
    expect(stored).not.toContain(admin.key);

    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
