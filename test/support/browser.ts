import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { generatedCsvFolder } from './generated-data';
import { TestService } from './service';
import { useServiceFixture } from './service-fixture';

/**
 * Debian's Chromium (never a downloaded browser); flags keep it off the closed network.
 * CHROMIUM_PATH points elsewhere where another Chromium-based browser is installed (GitHub's
 * runners have /usr/bin/google-chrome).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install chromium; .ci/run does this) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The browser-test setup: a fresh database with a generated baseline of `baselineRows` rows, one
 * service instance on it and a Chromium, created in beforeAll and closed in afterAll.
 */
export function useServiceWithBrowser(baselineRows: number, seed: number): { readonly service: TestService; readonly browser: Browser } {
  const fixture = useServiceFixture(() => {
    const data = generatedCsvFolder(baselineRows, seed);
    return { BASELINE_DATA_DIR: data.dir, BASELINE_SEED_PATH: join(data.dir, data.file) };
  });
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get service(): TestService {
      return fixture.service;
    },
    get browser(): Browser {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
  };
}
