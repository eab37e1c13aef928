#!/usr/bin/env node
/**
 * Writes docs/validation-report.png: the credit validation report of a running service (the
 * demo: `npm run demo`, then this with the viewer key the demo prints), rendered by Debian's
 * Chromium exactly as a browser shows it.
 *
 *   node scripts/validation-report-screenshot.js --key <viewer key> --from 2026-12-01T22:05:00Z \
 *     [--to <ISO>] [--url http://127.0.0.1:3000] [--model-version credit-lr-…] [--out docs/validation-report.png]
 */
const { chromium } = require('playwright-core');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at >= 0 && process.argv[at + 1]) return process.argv[at + 1];
  if (fallback === undefined) throw new Error(`--${name} is required`);
  return fallback;
}

async function main() {
  const root = join(__dirname, '..');
  const shipped = JSON.parse(readFileSync(join(root, 'artifacts', 'model.json'), 'utf8'));
  const url = option('url', 'http://127.0.0.1:3000');
  const query = new URLSearchParams({
    modelVersion: option('model-version', shipped.modelVersion),
    from: option('from'),
    to: option('to', new Date(Date.now() + 60_000).toISOString()),
  });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium' });
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      extraHTTPHeaders: { authorization: `Bearer ${option('key')}` },
    });
    const page = await context.newPage();
    const response = await page.goto(`${url}/reports/validation?${query}`);
    if (!response || response.status() !== 200)
      throw new Error(`GET /reports/validation answered ${response && response.status()}: ${response && (await response.text())}`);
    const out = option('out', join(root, 'docs', 'validation-report.png'));
    await page.screenshot({ path: out, fullPage: true });
    process.stderr.write(`wrote ${out}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
